// The `lora` program: everything lives in CliApp so that tests can run it in-process.
return Lora.Cli.CliApp.Run(args, Console.Out, Console.Error);
