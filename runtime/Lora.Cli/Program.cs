using System.Text;

// The `lora` program: everything lives in CliApp so that tests can run it in-process.
// Output into a pipe or a file is UTF-8 without a byte-order mark whatever the locale says: `lora chat-template` prints a
// template's text byte for byte. A terminal keeps the console's own encoding, which displays it.
// AutoFlush: nothing waits in a buffer for a Dispose at exit.
var stdout = Console.IsOutputRedirected
    ? new StreamWriter(Console.OpenStandardOutput(), new UTF8Encoding(encoderShouldEmitUTF8Identifier: false)) { AutoFlush = true }
    : Console.Out;
return Lora.Cli.CliApp.Run(args, stdout, Console.Error);
