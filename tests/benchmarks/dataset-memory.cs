// Issue 21: a very large dataset loads in bounded memory. Generates a JSONL dataset of about GIB GiB (kept in the work
// folder and reused by a later run with the same size and format), loads it as training does (LoadedExperiment.Load:
// every row tokenized, split 99/1, the tokens in the token store), reads every training row back once as an epoch's
// batches do, and prints one JSON line: the file's bytes and rows, the tokens, the token store's bytes, the resident
// memory before loading, after it and after the epoch, its peak (VmHWM), and the managed heap after loading.
// --in-memory loads as LoadedExperiment did before the token store (every row's JSON and tokens held), for comparison on a
// size that fits in memory.
//   --format text: {"text": …} rows of 20-80 random English words, on the built-in lora-tiny-en's GPT-2 tokenizer;
//   --format ids:  {"input_ids": […]} rows of 16-128 ids, on the train-tiny-llama fixture (no tokenizer; parsing only).
// Usage: dotnet run -c Release --file tests/benchmarks/dataset-memory.cs -- [--gib 1] [--format text|ids] [--in-memory] [--work DIR]
#:project ../../runtime/Lora.Runtime/Lora.Runtime.csproj
// A file-based program is published native by default, which switches the runtime to size-optimized LINQ and interpreted
// regular expressions; the runner is a plain program, and so is this one.
#:property PublishAot=false
using System.Diagnostics;
using System.Text;
using System.Text.Json.Nodes;
using Lora;
using Lora.Runtime.Data;
using Lora.Runtime.Experiments;
using Lora.Runtime.Native;
using Lora.Runtime.Tokenization;

double gib = double.Parse(Option("--gib") ?? "1", System.Globalization.CultureInfo.InvariantCulture);
string format = Option("--format") ?? "text";
bool inMemory = args.Contains("--in-memory");
string work = Path.GetFullPath(Option("--work") ?? Path.Combine(Path.GetTempPath(), "lora-dataset-memory"));
string root = Path.GetFullPath(Path.Combine(AppContext.GetData("EntryPointFileDirectoryPath") as string ?? ".", "..", ".."));
string baseModel = format == "ids"
    ? Path.Combine(root, "..", "shared", "fixtures", "peft", "train-tiny-llama", "base")
    : Path.Combine(root, "runtime", "Lora.Runtime", "models", "lora-tiny-en");
Directory.CreateDirectory(work);
string dataset = Path.Combine(work, $"{format}-{gib:0.###}gib.jsonl");
if (!File.Exists(dataset)) Generate(dataset, (long)(gib * (1L << 30)), format);

var config = new ExperimentConfig("dataset-memory", null, null, "Benchmarks.DatasetMemory", "", work,
    new BaseModelSettings(baseModel, IsBuiltIn: false, ModelType: "llama"),
    new LoraSettings(8, 16, 0, ["q_proj", "v_proj"], LoraBias.None, false, false, null),
    null,
    new DatasetSettings(dataset, format == "ids" ? DatasetFormat.TokenIds : DatasetFormat.Jsonl, "text", null, null, null,
        EvalFraction: 0.01, Shuffle: true, MaxLength: 512, null, false, true),
    new TrainingSettings(Epochs: 1, MaxSteps: 0, LearningRate: 1e-4, BatchSize: 8, EvalBatchSize: 8, GradientAccumulation: 1,
        WarmupSteps: 0, WarmupRatio: 0, Schedule: LrSchedule.Constant, WeightDecay: 0, MaxGradNorm: 1.0, Seed: 42, GradientCheckpointing: false,
        Optimizer: OptimizerType.AdamW, Beta1: 0.9, Beta2: 0.999, Epsilon: 1e-8, Precision: ComputeType.Float32, EvalSteps: 0,
        SaveSteps: 0, LoggingSteps: 1, EarlyStoppingPatience: 0, LoadBestModelAtEnd: false),
    null, [], null);

double baseline = ProcessMemory.ResidentMiB();
var clock = Stopwatch.StartNew();
long rows, tokens, storeBytes = 0;
double loaded, managed, afterEpoch;
if (inMemory)
{
    // LoadedExperiment.Load before the token store: every row's JsonlRow and TokenizedExample held, then split.
    var builder = new ExampleBuilder(ModelTokenizer.LoadIfPresent(baseModel), config.Dataset);
    var all = JsonlReader.Read(dataset).Select(r => (Row: r, Example: builder.Build(r))).ToList();
    var (train, eval) = DatasetSplit.Split(all, config.Dataset.EvalFraction, config.Dataset.Shuffle, config.Training.Seed);
    loaded = ProcessMemory.ResidentMiB();
    managed = GC.GetTotalMemory(forceFullCollection: true) / 1048576.0;
    rows = train.Count + eval.Count;
    tokens = train.Sum(r => (long)r.Example.InputIds.Length);
    afterEpoch = loaded;
    GC.KeepAlive(all);
}
else
{
    using var data = LoadedExperiment.Load(config, Path.Combine(work, "artifacts"));
    loaded = ProcessMemory.ResidentMiB();
    managed = GC.GetTotalMemory(forceFullCollection: true) / 1048576.0;
    rows = data.Train.Count + data.Eval.Count;
    tokens = 0;
    foreach (var example in data.Train) tokens += example.InputIds.Length;   // an epoch's reads, in the shuffled order
    afterEpoch = ProcessMemory.ResidentMiB();
    storeBytes = data.Tokens.Length;
}
Console.WriteLine(new JsonObject
{
    ["mode"] = inMemory ? "in-memory (before the token store)" : "token store",
    ["format"] = format,
    ["file_bytes"] = new FileInfo(dataset).Length,
    ["rows"] = rows,
    ["train_tokens"] = tokens,
    ["store_bytes"] = storeBytes,
    ["baseline_rss_mib"] = Math.Round(baseline, 1),
    ["loaded_rss_mib"] = Math.Round(loaded, 1),
    ["after_epoch_rss_mib"] = Math.Round(afterEpoch, 1),
    ["peak_rss_mib"] = Math.Round(ProcessMemory.PeakResidentMiB(), 1),
    ["managed_after_load_mib"] = Math.Round(managed, 1),
    ["seconds"] = Math.Round(clock.Elapsed.TotalSeconds, 1),
}.ToJsonString());

string? Option(string name) => Array.IndexOf(args, name) is >= 0 and var i && i + 1 < args.Length ? args[i + 1] : null;

static void Generate(string path, long bytes, string format)
{
    var random = new Random(21);
    string[] words = ("the of and to in is was for on that with as by at from his her an were are which this be or had not but one " +
        "all their there been has when who will more no if out so said what up its about into than them can only other new some could " +
        "time these two may then do first any my now such like our over man me even most made after also did many before must through " +
        "back years where much your way well down should because each just those people how too little state good very make world still " +
        "own see men work long get here between both life being under never day same another know while last might us great old year off " +
        "come since against go came right used take three").Split(' ');
    var temp = path + ".partial";
    using (var writer = new StreamWriter(temp, false, new UTF8Encoding(false), 1 << 20))
    {
        var line = new StringBuilder();
        while (writer.BaseStream.Position < bytes)
        {
            line.Clear();
            if (format == "ids")
            {
                line.Append("{\"input_ids\": [");
                for (int i = 0, n = random.Next(16, 129); i < n; i++) line.Append(i == 0 ? "" : ", ").Append(random.Next(256));
                line.Append("]}");
            }
            else
            {
                line.Append("{\"text\": \"");
                for (int i = 0, n = random.Next(20, 81); i < n; i++) line.Append(i == 0 ? "" : " ").Append(words[random.Next(words.Length)]);
                line.Append(".\"}");
            }
            writer.WriteLine(line);
        }
    }
    File.Move(temp, path);
}
