namespace Lora.Sdk.Tests.Infrastructure;

/// <summary>The `lora` program built in the tests' configuration (the test project's reference builds it first).</summary>
public static class LoraProgram
{
    public static string Path()
    {
        var testBin = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(System.IO.Path.DirectorySeparatorChar));
        string dll = RepoPaths.InRepo("runtime", "Lora.Cli", "bin", testBin.Parent!.Name, testBin.Name, "lora.dll");
        Assert.True(File.Exists(dll), $"The built lora program was not found at {dll}; build runtime/Lora.Cli in the tests' configuration.");
        return dll;
    }
}
