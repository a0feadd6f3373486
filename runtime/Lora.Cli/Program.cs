Console.WriteLine("lora");
