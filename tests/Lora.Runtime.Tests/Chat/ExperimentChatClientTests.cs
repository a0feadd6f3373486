using System.Reflection;
using Lora.Runtime.Chat;
using Lora.Runtime.Experiments;
using Lora.Runtime.Generation;
using Lora.Runtime.Merge;
using Lora.Runtime.Models;
using Lora.Runtime.Native;
using Lora.Runtime.Peft;
using Lora.Runtime.Tests.Contract;
using Lora.Generators.Tests.Infrastructure;
using Lora.Runtime.Tests.Experiments;
using Lora.Runtime.Tokenization;
using Microsoft.Extensions.AI;
using static TorchSharp.torch;

namespace Lora.Runtime.Tests.Chat;

/// <summary>
/// A chat client over a trained experiment (<see cref="LoraChatClient.ForExperiment"/>, and the generated
/// <c>CreateChatClient()</c> that calls it): the adapter over its base model, or the merged model when it is current;
/// a clear error before training.
/// </summary>
public sealed class ExperimentChatClientTests : IDisposable
{
    static readonly ChatMessage[] Question = [new(ChatRole.User, "Hello there")];
    const string Prompt = "<|im_start|>user\nHello there<|im_end|>\n<|im_start|>assistant\n";

    readonly TempFolder _project = new();
    readonly LoraChatClientOptions _options = new() { Clock = () => new DateTime(2026, 12, 4) };

    public ExperimentChatClientTests() => TorchNative.EnsureLoaded();

    public void Dispose() => _project.Dispose();

    Lora.ExperimentConfig Config(string modelFolder) =>
        FixtureExperiment.Config(_project.Path, _project.Child("data", "chat.jsonl")) with
        {
            ExperimentName = "chat-bot",
            Model = new Lora.BaseModelSettings(modelFolder, IsBuiltIn: false, ModelType: "llama"),
        };

    /// <summary>The greedy reply of the model in <paramref name="modelFolder"/> (with <paramref name="adapter"/>) to <see cref="Question"/>.</summary>
    static string Reference(string modelFolder, string? adapter, int tokens)
    {
        using var model = ModelLoader.Load(modelFolder);
        if (adapter is not null) PeftAdapter.Load(model, adapter);
        var tokenizer = ModelTokenizer.Load(modelFolder);
        var ids = tokenizer.Encode(Prompt, addBos: false).Select(i => (long)i).ToArray();
        int[] stops = [TinyChatModel.Eos, TinyChatModel.ImEnd];
        using var output = TextGenerator.Generate(model, tensor(ids).unsqueeze(0), null, new SamplingOptions { MaxNewTokens = tokens, EosTokenIds = stops });
        return tokenizer.Decode(output[0].data<long>().ToArray()[ids.Length..].Select(i => (int)i).Where(i => !stops.Contains(i)));
    }

    [Fact]
    public void An_untrained_experiment_says_so_and_where_it_looked()
    {
        var config = Config(TinyChatModel.Write(_project, "models/tiny-chat"));
        var error = Assert.Throws<InvalidOperationException>(() => LoraChatClient.ForExperiment(config, _options));
        Assert.Contains("'chat-bot' has no trained adapter yet", error.Message);
        Assert.Contains(Path.Combine(_project.Path, "artifacts", "lora", "chat-bot"), error.Message);
    }

    [Fact]
    public async Task A_trained_experiment_answers_with_its_adapter_or_its_current_merged_model()
    {
        var modelFolder = TinyChatModel.Write(_project, "models/tiny-chat");
        var config = Config(modelFolder);
        var paths = ExperimentPaths.For(_project.Child("artifacts", "lora"), config);
        Directory.CreateDirectory(paths.Root);
        TinyChatModel.WriteAdapter(_project, modelFolder, Path.GetRelativePath(_project.Path, paths.Adapter), seed: 5);
        var options = new ChatOptions { MaxOutputTokens = 12 };

        string tuned;
        using (var client = LoraChatClient.ForExperiment(config, _options))
        {
            Assert.Equal(new[] { "tiny-chat", "chat-bot" }, client.ModelIds);
            Assert.Equal("chat-bot", client.DefaultModelId);
            var response = await client.GetResponseAsync(Question, options);
            tuned = response.Text;
            Assert.Equal("chat-bot", response.ModelId);
            Assert.Equal(Reference(modelFolder, paths.Adapter, 12), tuned);
            Assert.NotEqual(tuned, (await client.GetResponseAsync(Question, new ChatOptions { ModelId = "tiny-chat", MaxOutputTokens = 12 })).Text);
        }

        // [Merge] wrote the merged model from this adapter: the client runs it, as the experiment's name.
        using (var model = ModelLoader.Load(modelFolder))
        {
            PeftAdapter.Load(model, paths.Adapter);
            LoraMerge.Merge(model, "default");
            HfModelWriter.Save(model, paths.Merged, ScalarType.Float32, modelFolder);
        }
        using (var client = LoraChatClient.ForExperiment(config, _options))
        {
            Assert.Equal(new[] { "chat-bot" }, client.ModelIds);
            Assert.Empty(Lora.Runtime.Adapters.LoraAdapters.AdapterNames(client.Model));
            Assert.Equal(tuned, (await client.GetResponseAsync(Question, options)).Text);
        }

        // An adapter trained again after the merge: the merged model is stale, and the adapter answers.
        File.SetLastWriteTimeUtc(Path.Combine(paths.Adapter, PeftAdapter.WeightsFileName), DateTime.UtcNow.AddMinutes(1));
        using (var client = LoraChatClient.ForExperiment(config, _options))
            Assert.Equal(new[] { "tiny-chat", "chat-bot" }, client.ModelIds);
    }

    [Fact]
    public async Task The_generated_CreateChatClient_opens_the_trained_experiment()
    {
        const string source = """
            using Lora;
            namespace App;

            [Experiment("chat-bot")]
            [BaseModel("models/tiny-chat")]
            [LoraAdapter(Rank = 4, Alpha = 8, Targets = new[] { "q_proj", "v_proj", "o_proj", "down_proj" })]
            [Dataset("data/chat.jsonl", Format = DatasetFormat.Chat)]
            public partial record ChatBot;
            """;
        var modelFolder = TinyChatModel.Write(_project, "models/tiny-chat");
        Directory.CreateDirectory(_project.Child("data"));
        _project.WriteText("data/chat.jsonl",
            """{"messages": [{"role": "user", "content": "Hi"}, {"role": "assistant", "content": "Hello!"}]}""" + "\n");
        var compiled = ExperimentCompiler.Compile(_project.Path, source, references: References.WithRuntime);
        Assert.True(compiled.Compiled, compiled.Describe());
        var type = Assembly.LoadFrom(compiled.AssemblyPath!).GetType("App.ChatBot")!;
        var create = type.GetMethod("CreateChatClient")!;
        object?[] arguments = [null, _options, null];

        var untrained = Assert.Throws<TargetInvocationException>(() => create.Invoke(null, arguments));
        Assert.IsType<InvalidOperationException>(untrained.InnerException);

        var paths = ExperimentPaths.For(_project.Child("artifacts", "lora"), compiled.Configs.Single());
        Directory.CreateDirectory(paths.Root);
        TinyChatModel.WriteAdapter(_project, modelFolder, Path.GetRelativePath(_project.Path, paths.Adapter), seed: 6);
        using var client = (IChatClient)create.Invoke(null, arguments)!;
        var response = await client.GetResponseAsync(Question, new ChatOptions { MaxOutputTokens = 10 });
        Assert.Equal("chat-bot", response.ModelId);
        Assert.Equal(Reference(modelFolder, paths.Adapter, 10), response.Text);
    }
}
