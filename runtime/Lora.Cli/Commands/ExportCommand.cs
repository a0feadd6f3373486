using System.CommandLine;

namespace Lora.Cli.Commands;

/// <summary>
/// <c>lora export</c>: a model or adapter for other runtimes (<c>gguf</c>, <c>gguf-adapter</c> for llama.cpp and Ollama), or an
/// experiment for another trainer (<c>axolotl</c>).
/// </summary>
public static class ExportCommand
{
    public static Command Create() => new("export", "Export a model or an adapter for other runtimes (GGUF for llama.cpp and Ollama), or an experiment for Axolotl.")
    {
        GgufExportCommand.Model(), GgufExportCommand.Adapter(), AxolotlExportCommand.Create(),
    };
}
