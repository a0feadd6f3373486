// Issue 19: generation speed of the tuned model in .NET (LoraChatClient, TorchSharp) against llama.cpp (LLamaSharp) on the
// model's f32 GGUF export, on the built-in lora-tiny-en, same prompt, same machine, same thread count, greedy. Each
// repetition times one whole reply (prompt processing included, as a caller sees it): LoraChatClient.GetResponseAsync with
// MaxOutputTokens, then llama.cpp fed the same prompt ids and asked for as many tokens as LoraChatClient produced. Prints one
// JSON line: tokens per reply, the tokens/s of every repetition, the medians and the ratio llama.cpp / LoraChatClient.
// Usage: dotnet run -c Release --file tests/benchmarks/gguf-generation.cs -- [--tokens 64] [--reps 7] [--work DIR]
#:project ../../runtime/Lora.Runtime/Lora.Runtime.csproj
#:package LLamaSharp
#:package LLamaSharp.Backend.Cpu
// Lora.Runtime references TorchSharp alone: the CPU libtorch, as the runner and the tests use it.
#:package libtorch-cpu-linux-x64
// A file-based program is published native by default; the runner is a plain program, and so is this one.
#:property PublishAot=false
using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Nodes;
using LLama;
using LLama.Common;
using LLama.Native;
using Lora.Runtime.Chat;
using Lora.Runtime.Data;
using Lora.Runtime.Export.Gguf;
using Lora.Runtime.Models;
using Lora.Runtime.Native;
using Lora.Runtime.Tokenization;
using Microsoft.Extensions.AI;

int maxTokens = int.Parse(Option("--tokens") ?? "64");
int reps = int.Parse(Option("--reps") ?? "7");
string work = Path.GetFullPath(Option("--work") ?? Path.Combine(Path.GetTempPath(), "lora-gguf-generation"));
string root = Path.GetFullPath(Path.Combine(AppContext.GetData("EntryPointFileDirectoryPath") as string ?? ".", "..", ".."));
string modelFolder = Path.Combine(root, "runtime", "Lora.Runtime", "models", "lora-tiny-en");
const string Prompt = "Subject: Quarterly report\nPlease find attached the figures for the last quarter and tell me what you think.";

TorchNative.EnsureLoaded();
NativeLogConfig.llama_log_set((level, message) => { if (level == LLamaLogLevel.Error) Console.Error.Write(message); });
int threads = TorchSharp.torch.get_num_threads();
Directory.CreateDirectory(work);
string gguf = Path.Combine(work, "lora-tiny-en.f32.gguf");
using (var model = ModelLoader.Load(modelFolder)) GgufExporter.Export(model, modelFolder, gguf, Lora.GgufType.F32);

using var client = new LoraChatClient(modelFolder, options: new LoraChatClientOptions { DType = TorchSharp.torch.ScalarType.Float32 });
var messages = new List<ChatMessage> { new(ChatRole.User, Prompt) };
var chatOptions = new ChatOptions { MaxOutputTokens = maxTokens, Temperature = 0 };

// The prompt ids LoraChatClient decodes from: the model's template (the default ChatML one here), rendered and encoded.
var tokenizer = ModelTokenizer.Load(modelFolder);
var rendered = ChatFormat.TemplateOf(modelFolder, out _).Render(new JsonArray(new JsonObject { ["role"] = "user", ["content"] = Prompt }), addGenerationPrompt: true).Text;
var promptIds = tokenizer.Encode(rendered, tokenizer.AddsBos);

var parameters = new ModelParams(gguf)
{
    ContextSize = (uint)(promptIds.Count + maxTokens + 8), BatchSize = 512, GpuLayerCount = 0, Threads = threads, BatchThreads = threads,
    TypeK = GGMLType.GGML_TYPE_F32, TypeV = GGMLType.GGML_TYPE_F32, FlashAttention = false,
};
using var weights = LLamaWeights.LoadFromFile(parameters);

int tokens = 0;
var lora = new List<double>();
var llama = new List<double>();
for (int rep = -1; rep < reps; rep++)   // rep -1 warms both up and is not counted
{
    var clock = Stopwatch.StartNew();
    var response = await client.GetResponseAsync(messages, chatOptions);
    double seconds = clock.Elapsed.TotalSeconds;
    tokens = (int)(response.Usage?.OutputTokenCount ?? throw new InvalidOperationException("LoraChatClient reported no usage"));
    if (rep >= 0) lora.Add(tokens / seconds);

    clock.Restart();
    LlamaGreedy(weights, parameters, promptIds, tokens);
    seconds = clock.Elapsed.TotalSeconds;
    if (rep >= 0) llama.Add(tokens / seconds);
}

double loraMedian = Median(lora), llamaMedian = Median(llama);
Console.WriteLine(JsonSerializer.Serialize(new
{
    model = "lora-tiny-en", gguf = "f32", prompt_tokens = promptIds.Count, tokens_per_reply = tokens, reps, threads,
    lora_chat_client_tokens_per_s = lora.Select(Round), llama_cpp_tokens_per_s = llama.Select(Round),
    lora_chat_client_median = Round(loraMedian), llama_cpp_median = Round(llamaMedian), ratio_llama_cpp_over_lora = Round(llamaMedian / loraMedian),
}));

// The prompt in one batch, then each greedy token fed back: what llama.cpp's own generation loop does.
static void LlamaGreedy(LLamaWeights weights, ModelParams parameters, IReadOnlyList<int> prompt, int count)
{
    using var context = weights.CreateContext(parameters);
    var batch = new LLamaBatch();
    for (int i = 0; i < prompt.Count; i++) batch.Add(prompt[i], i, LLamaSeqId.Zero, i == prompt.Count - 1);
    for (int step = 0; step < count; step++)
    {
        if (context.NativeHandle.Decode(batch) != DecodeResult.Ok) throw new InvalidOperationException("llama.cpp decode failed");
        var logits = context.NativeHandle.GetLogitsIth(batch.TokenCount - 1);
        int next = 0;
        for (int v = 1; v < logits.Length; v++) if (logits[v] > logits[next]) next = v;
        batch.Clear();
        batch.Add(next, prompt.Count + step, LLamaSeqId.Zero, true);
    }
}

static double Median(List<double> values)
{
    var sorted = values.Order().ToList();
    return sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[sorted.Count / 2 - 1] + sorted[sorted.Count / 2]) / 2;
}

static double Round(double value) => Math.Round(value, 2);

string? Option(string name)
{
    int at = Array.IndexOf(args, name);
    return at >= 0 && at + 1 < args.Length ? args[at + 1] : null;
}
