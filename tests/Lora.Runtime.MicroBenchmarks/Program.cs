using BenchmarkDotNet.Running;
using Lora.Runtime.MicroBenchmarks;

// Micro-benchmarks of the runtime's hot paths; see README.md. Pass BenchmarkDotNet's own arguments, e.g.
// `--filter '*Loss*'`; with none, every benchmark runs (instead of BenchmarkSwitcher's interactive prompt).
var arguments = args.Length == 0 ? ["--filter", "*"] : args;
var summaries = BenchmarkSwitcher.FromAssembly(typeof(FastConfig).Assembly).Run(arguments, new FastConfig());
return summaries.Any(s => s.HasCriticalValidationErrors || s.Reports.Any(r => !r.Success)) ? 1 : 0;
