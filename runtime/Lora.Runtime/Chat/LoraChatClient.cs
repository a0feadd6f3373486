using System.Runtime.CompilerServices;
using Lora.Runtime.Adapters;
using Lora.Runtime.Data;
using Lora.Runtime.Experiments;
using Lora.Runtime.Generation;
using Lora.Runtime.Models;
using Lora.Runtime.Peft;
using Lora.Runtime.Tensors;
using Lora.Runtime.Tokenization;
using Microsoft.Extensions.AI;
using TorchSharp;
using static TorchSharp.torch;

namespace Lora.Runtime.Chat;

/// <summary>
/// <see cref="IChatClient"/> (Microsoft.Extensions.AI) over a model of this runtime: a base model and any number of PEFT
/// adapters over it, loaded once, each request choosing one by <see cref="ChatOptions.ModelId"/> (an adapter's name, or
/// <see cref="BaseModelId"/> for the base model alone) without reloading the base. A request's conversation is rendered with
/// the chat template of the model (or, for an adapter that carries one, the template it was trained with; ChatML for a model
/// without any), generated token by token with a KV cache, and stops at EOS, at the template's end-of-turn marker, at a stop
/// sequence or at the token limit.
/// </summary>
/// <remarks>
/// <para>ChatOptions: <see cref="ChatOptions.Temperature"/>, <see cref="ChatOptions.TopP"/>, <see cref="ChatOptions.TopK"/> and
/// <see cref="ChatOptions.Seed"/> (greedy decoding unless one asks for sampling; a temperature of 0 is greedy),
/// <see cref="ChatOptions.MaxOutputTokens"/>, <see cref="ChatOptions.StopSequences"/> (matched on the text, across tokens;
/// not part of the reply), <see cref="ChatOptions.ModelId"/> and <see cref="ChatOptions.Instructions"/>. Tools, repetition
/// penalties, a JSON response format and stored conversations are refused with <see cref="NotSupportedException"/>, not ignored.</para>
/// <para>One model serves one request at a time: libtorch modules are not safe to run from two threads, and the active
/// adapter is the model's state. Concurrent requests wait for each other (a <see cref="SemaphoreSlim"/>), in arrival order
/// as the semaphore grants it; a streaming request holds the model until its enumeration ends or is disposed. Cancellation is
/// checked before every token.</para>
/// </remarks>
public sealed class LoraChatClient : IChatClient
{
    /// <summary><see cref="ChatClientMetadata.ProviderName"/>.</summary>
    public const string ProviderName = "lora";

    /// <summary>A model this client answers as: its id, the adapter it runs (null: the base alone), its chat format, and the
    /// template's end-of-turn text when that is not one token (then matched as a stop sequence).</summary>
    sealed record ChatModel(string Id, string? Adapter, ChatFormat Format, IReadOnlyList<string> TextStops);

    /// <summary>What a request asks: which model, the prompt's ids, how to sample, the stop sequences, its ids for the reply.</summary>
    sealed record ChatRequest(ChatModel Model, IReadOnlyList<int> PromptIds, SamplingOptions Sampling, IReadOnlyList<string> StopSequences,
        string ResponseId, DateTimeOffset CreatedAt);

    readonly SemaphoreSlim _gate = new(1, 1);
    readonly LoraChatClientOptions _options;
    readonly bool _ownsModel;
    readonly string _modelFolder;
    volatile ChatModel[] _models = [];
    volatile bool _disposed;
    bool _modelFreed;

    /// <summary>Loads the model in <paramref name="modelFolder"/> (a Hugging Face folder with a tokenizer) and the adapters over it.</summary>
    /// <param name="modelFolder">The base model's folder.</param>
    /// <param name="adapters">Model id → PEFT adapter folder, loaded over the one base; null for none. The first is the default.</param>
    /// <param name="options">Device, compute type, 4-bit base, model ids; null for the defaults (CPU, float32).</param>
    /// <exception cref="ArgumentException">The folder has no tokenizer, an adapter name is taken or unusable.</exception>
    /// <exception cref="ModelLoadException">The model does not load.</exception>
    /// <exception cref="PeftFormatException">An adapter does not load or does not fit the base.</exception>
    public LoraChatClient(string modelFolder, IReadOnlyDictionary<string, string>? adapters = null, LoraChatClientOptions? options = null)
        : this(modelFolder, options ?? new(), adapters?.Select(a => (a.Key, a.Key, a.Value)).ToList() ?? [])
    {
    }

    /// <summary>
    /// A client over a model already loaded, which it does not dispose: the adapters attached to it answer by their names, in
    /// the model's chat format; <see cref="LoadAdapter"/> adds more.
    /// </summary>
    /// <param name="model">The base model, on its device, with any adapters attached.</param>
    /// <param name="tokenizer">Its tokenizer.</param>
    /// <param name="modelFolder">The folder it was loaded from: its chat template, special tokens and name.</param>
    /// <param name="options">Model ids and defaults; the loading settings are not used.</param>
    public LoraChatClient(CausalLanguageModel model, ModelTokenizer tokenizer, string modelFolder, LoraChatClientOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(tokenizer);
        ArgumentNullException.ThrowIfNull(modelFolder);
        _options = options ?? new();
        (Model, Tokenizer, _modelFolder, _ownsModel) = (model, tokenizer, modelFolder, false);
        BaseModelId = _options.BaseModelId ?? FolderName(modelFolder);
        var format = ChatFormat.Load(modelFolder, tokenizer, Now());
        _models = [new ChatModel(BaseModelId, null, format, TextStops(format)),
                   .. LoraAdapters.AdapterNames(model).Select(name => new ChatModel(name, name, format, TextStops(format)))];
        CheckIds();
        Model.eval();
    }

    LoraChatClient(string modelFolder, LoraChatClientOptions options, IReadOnlyList<(string Id, string Adapter, string Folder)> adapters)
    {
        ArgumentNullException.ThrowIfNull(modelFolder);
        _options = options;
        _modelFolder = modelFolder;
        var device = Devices.Resolve(options.Device, out _);   // a missing GPU fails here, before anything is read
        Tokenizer = ModelTokenizer.LoadIfPresent(modelFolder) ?? throw new ArgumentException(
            $"{modelFolder} has no tokenizer ({string.Join(", ", ModelTokenizer.TokenizerFiles)}); a chat client needs one to read and write text.",
            nameof(modelFolder));
        var dtype = options.DType ?? Tensors.ComputeTypes.Resolve(Lora.ComputeType.Auto, device);
        Model = ModelLoader.Load(modelFolder, dtype, options.Quantization);
        _ownsModel = true;
        try
        {
            Model.to(device);
            BaseModelId = options.BaseModelId ?? FolderName(modelFolder);
            var format = ChatFormat.Load(modelFolder, Tokenizer, Now());
            _models = [new ChatModel(BaseModelId, null, format, TextStops(format))];
            foreach (var (id, adapter, folder) in adapters) AddAdapter(id, adapter, folder);
        }
        catch
        {
            Model.Dispose();
            throw;
        }
    }

    /// <summary>
    /// A client over an experiment's trained model: its merged model when <c>[Merge]</c> wrote one from the current adapter,
    /// answering as the experiment's name (<see cref="Lora.ExperimentConfig.FullName"/>); otherwise its adapter over its base
    /// model (4-bit again after QLoRA), answering as the experiment's name, with the base model alone as <see cref="BaseModelId"/>.
    /// What the generated <c>CreateChatClient()</c> of an <c>[Experiment]</c> calls.
    /// </summary>
    /// <param name="config">The experiment or sweep variant.</param>
    /// <param name="options">Device and defaults; a null compute type is float32 on the CPU and the run's compute type on a GPU.</param>
    /// <param name="artifactsRoot">The artifacts folder (LoraArtifactsDir); null: <c>artifacts/lora</c> in the project folder, the SDK's default.</param>
    /// <exception cref="InvalidOperationException">The experiment has not been trained yet.</exception>
    public static LoraChatClient ForExperiment(Lora.ExperimentConfig config, LoraChatClientOptions? options = null, string? artifactsRoot = null)
    {
        ArgumentNullException.ThrowIfNull(config);
        options ??= new();
        var paths = ExperimentPaths.For(artifactsRoot ?? Path.Combine(config.ProjectDirectory, "artifacts", "lora"), config);
        if (StageArtifacts.Problem(paths, StageRecord.Train) is { } untrained)
            throw new InvalidOperationException(
                $"Experiment '{config.FullName}' has no trained adapter yet: {untrained}. Train it first (dotnet build of its project, or its " +
                $"generated Train method); an experiment with [Sweep] trains its variants, so pass one of its Variants. Artifacts are looked for in {paths.Root}" +
                (artifactsRoot is null ? "; pass the artifacts folder when the project sets LoraArtifactsDir." : "."));
        var device = Devices.Resolve(options.Device, out _);
        var dtype = options.DType ?? (device.type == DeviceType.CPU ? ScalarType.Float32 : ExperimentRunner.ComputeDType(config, device));
        if (MergedIsCurrent(paths))
            return new LoraChatClient(paths.Merged, options with { DType = dtype, BaseModelId = options.BaseModelId ?? config.FullName }, []);
        var baseFolder = BaseModelLocator.Resolve(config);
        return new LoraChatClient(baseFolder, options with
        {
            DType = dtype,
            Quantization = options.Quantization ?? ExperimentRunner.Quantization(config),
            BaseModelId = options.BaseModelId ?? (config.Model.IsBuiltIn ? config.Model.Source : FolderName(baseFolder)),
            DefaultModelId = options.DefaultModelId ?? config.FullName,
        }, [(config.FullName, ExperimentRunner.AdapterName, paths.Adapter)]);
    }

    /// <summary>The model, shared by every request.</summary>
    public CausalLanguageModel Model { get; }

    /// <summary>The model's tokenizer.</summary>
    public ModelTokenizer Tokenizer { get; }

    /// <summary>The model id of the base model without an adapter.</summary>
    public string BaseModelId { get; }

    /// <summary>Every model id a request may name: the base model first, then the adapters in the order they were loaded.</summary>
    public IReadOnlyList<string> ModelIds => _models.Select(m => m.Id).ToList();

    /// <summary>The model id of a request that names none: <see cref="LoraChatClientOptions.DefaultModelId"/>, else the first
    /// adapter, else the base model.</summary>
    public string DefaultModelId => _options.DefaultModelId ?? (_models.FirstOrDefault(m => m.Adapter is not null) ?? _models[0]).Id;

    /// <summary>Loads the PEFT adapter in <paramref name="folder"/> over the base model, answering as <paramref name="name"/>; it waits
    /// for a request in progress. Its chat template is the one the adapter carries (<c>chat_template.jinja</c>), else the model's.</summary>
    /// <exception cref="ArgumentException">The name is taken or contains '.', or the adapter trains biases and cannot share the base.</exception>
    /// <exception cref="PeftFormatException">The adapter does not load or does not fit the base.</exception>
    public void LoadAdapter(string name, string folder)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentNullException.ThrowIfNull(folder);
        if (name.Contains('.')) throw new ArgumentException($"Adapter name '{name}' contains '.', which module names cannot hold; choose another.", nameof(name));
        _gate.Wait();
        try
        {
            ThrowIfDisposed();
            AddAdapter(name, name, folder);
        }
        finally
        {
            Release();
        }
    }

    void AddAdapter(string id, string adapter, string folder)
    {
        if (_models.Any(m => m.Id == id))
            throw new ArgumentException($"The chat client already has a model '{id}' ({string.Join(", ", ModelIds)}); give the adapter another name.", nameof(id));
        // An adapter that trains biases writes them into the base model's own layers when it loads: no other adapter, nor the
        // base alone, would then run on the weights it was made for.
        var settings = PeftAdapterConfig.Read(Path.Combine(folder, PeftAdapterConfig.FileName));
        var others = _models.Where(m => m.Adapter is not null).Select(m => m.Id).ToList();
        if (others.Count > 0 && (settings.Bias != Lora.LoraBias.None || BiasAdapter() is not null))
            throw new ArgumentException(
                $"Adapter '{BiasAdapter() ?? id}' trains biases (bias: {(BiasAdapter() is { } b ? Model.AdapterBiases[b] : settings.Bias)}), which replace the base " +
                $"model's own when it loads, so it cannot share one base with other adapters ({string.Join(", ", others.Append(id).Distinct())}). " +
                "Give it a chat client of its own, or merge it into the base (lora merge) and load the merged model.", nameof(folder));
        PeftAdapter.Load(Model, folder, adapter);
        var format = ChatFormat.ForAdapter(_modelFolder, folder, Tokenizer, Now());
        _models = [.. _models, new ChatModel(id, adapter, format, TextStops(format))];
    }

    /// <summary>The loaded adapter that trains biases, if any.</summary>
    string? BiasAdapter() => _models.Select(m => m.Adapter).OfType<string>()
        .FirstOrDefault(a => Model.AdapterBiases.GetValueOrDefault(a, Lora.LoraBias.None) != Lora.LoraBias.None);

    /// <inheritdoc/>
    public async Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        var request = Prepare(messages, options);
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            ThrowIfDisposed();
            return await Task.Run(() =>
            {
                using var reply = Start(request, cancellationToken);
                while (reply.FinishReason is null) reply.Step();
                return new ChatResponse(new ChatMessage(ChatRole.Assistant, reply.Text) { MessageId = request.ResponseId })
                {
                    ResponseId = request.ResponseId,
                    ModelId = request.Model.Id,
                    CreatedAt = request.CreatedAt,
                    FinishReason = reply.FinishReason,
                    Usage = reply.Usage,
                };
            }, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            Release();
        }
    }

    /// <inheritdoc/>
    /// <remarks>One update per piece of text as the tokens make it final (a character split across byte-level tokens comes
    /// whole; text that may begin a stop sequence comes once it does not), then one with the <see cref="ChatResponseUpdate.FinishReason"/>
    /// and a <see cref="UsageContent"/>. Each token is generated on the thread pool when the update before it has been taken.</remarks>
    public async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var request = Prepare(messages, options);
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            ThrowIfDisposed();
            using var reply = Start(request, cancellationToken);
            while (reply.FinishReason is null)
            {
                string piece = await Task.Run(reply.Step, cancellationToken).ConfigureAwait(false);
                if (piece.Length > 0) yield return Update(request, new TextContent(piece));
            }
            var last = Update(request, new UsageContent(reply.Usage));
            last.FinishReason = reply.FinishReason;
            yield return last;
        }
        finally
        {
            Release();
        }
    }

    /// <inheritdoc/>
    /// <returns><see cref="ChatClientMetadata"/> (provider "lora", the default model id); this client, its
    /// <see cref="CausalLanguageModel"/> or its <see cref="ModelTokenizer"/> when asked for their type; null otherwise or with a key.</returns>
    public object? GetService(Type serviceType, object? serviceKey = null)
    {
        ArgumentNullException.ThrowIfNull(serviceType);
        if (serviceKey is not null) return null;
        if (serviceType == typeof(ChatClientMetadata)) return new ChatClientMetadata(ProviderName, null, DefaultModelId);
        if (serviceType.IsInstanceOfType(this)) return this;
        if (serviceType.IsInstanceOfType(Model)) return Model;
        return serviceType.IsInstanceOfType(Tokenizer) ? Tokenizer : null;
    }

    /// <summary>Frees the model when the client loaded it: now when no request is in progress, else when that request ends.
    /// Requests made or waiting after it throw <see cref="ObjectDisposedException"/>.</summary>
    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        if (_gate.Wait(0)) Release();
    }

    /// <summary>Ends a turn with the model, freeing it when the client was disposed meanwhile.</summary>
    void Release()
    {
        if (_disposed && _ownsModel && !_modelFreed)
        {
            _modelFreed = true;
            Model.Dispose();
        }
        _gate.Release();
    }

    ChatRequest Prepare(IEnumerable<ChatMessage> messages, ChatOptions? options)
    {
        ThrowIfDisposed();
        var model = Resolve(options?.ModelId);
        string prompt = ChatPrompt.Render(model.Format.Template, messages, options?.Instructions, Now());
        var ids = Tokenizer.Encode(prompt, addBos: false);   // the template writes BOS where the model wants one
        if (ids.Count == 0) throw new ArgumentException($"The chat template ({model.Format.Source}) renders this conversation as no text.", nameof(messages));
        int context = Model.Config.MaxPositions;
        if (ids.Count >= context)
            throw new ArgumentException(
                $"The conversation is {ids.Count} tokens as the chat template renders it; '{model.Id}' reads at most {context} (max_position_embeddings), " +
                "a reply included: shorten it.", nameof(messages));
        var stopIds = model.Format.GenerationStops(Model.Config.EosTokenIds);
        var sampling = ChatSampling.From(options, _options.DefaultMaxOutputTokens, stopIds);
        sampling = sampling with { MaxNewTokens = Math.Min(sampling.MaxNewTokens, context - ids.Count) };
        var stops = ChatSampling.StopSequences(options).Concat(model.TextStops).Distinct().ToList();
        return new ChatRequest(model, ids, sampling, stops, "lora-" + Guid.NewGuid().ToString("N"), DateTimeOffset.UtcNow);
    }

    ChatModel Resolve(string? modelId)
    {
        var models = _models;
        string id = modelId ?? DefaultModelId;
        var model = models.FirstOrDefault(m => m.Id == id) ?? throw new ArgumentException(
            $"ChatOptions.ModelId '{id}' names no model of this chat client; it has: {string.Join(", ", models.Select(m => $"'{m.Id}'"))} " +
            $"('{BaseModelId}' is the base model without an adapter).", "options");
        if (model.Adapter is null && BiasAdapter() is { } biased)
            throw new ArgumentException(
                $"The base model '{BaseModelId}' cannot answer alone: adapter '{biased}' trains biases, which replaced the base model's own when it " +
                "loaded. Load the base model in a chat client of its own.", "options");
        return model;
    }

    /// <summary>Selects the request's adapter (or none) on the model and starts its reply; under the gate.</summary>
    ChatReply Start(ChatRequest request, CancellationToken cancellationToken)
    {
        if (request.Model.Adapter is { } adapter)
        {
            LoraAdapters.SetEnabled(Model, true);
            LoraAdapters.Activate(Model, adapter);
        }
        else
        {
            LoraAdapters.SetEnabled(Model, false);
        }
        return new ChatReply(Model, Tokenizer, request.PromptIds, request.Sampling, request.StopSequences, cancellationToken);
    }

    static ChatResponseUpdate Update(ChatRequest request, AIContent content) => new(ChatRole.Assistant, [content])
    {
        ResponseId = request.ResponseId,
        MessageId = request.ResponseId,
        ModelId = request.Model.Id,
        CreatedAt = request.CreatedAt,
    };

    /// <summary>The template's end-of-turn text when the tokenizer does not make it one of the stop ids: matched on the text.</summary>
    IReadOnlyList<string> TextStops(ChatFormat format) =>
        format.EndOfTurn is { } end && !(Tokenizer.LeadingAddedToken(end) is int id && format.StopIds.Contains(id)) ? [end] : [];

    void CheckIds()
    {
        var duplicate = _models.GroupBy(m => m.Id).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null)
            throw new ArgumentException($"Two models of this chat client are named '{duplicate.Key}'; set LoraChatClientOptions.BaseModelId to another name.");
    }

    DateTime Now() => _options.Clock?.Invoke() ?? DateTime.Now;

    void ThrowIfDisposed() => ObjectDisposedException.ThrowIf(_disposed, this);

    static string FolderName(string folder) => Path.GetFileName(Path.TrimEndingDirectorySeparator(Path.GetFullPath(folder)));

    /// <summary>Whether the merged model was written from the adapter there now: it is whole and not older than the adapter.</summary>
    static bool MergedIsCurrent(ExperimentPaths paths) =>
        StageArtifacts.Problem(paths, StageRecord.Merge) is null
        && File.GetLastWriteTimeUtc(Path.Combine(paths.Merged, "model.safetensors")) >= File.GetLastWriteTimeUtc(Path.Combine(paths.Adapter, PeftAdapter.WeightsFileName));
}
