Console.WriteLine("coming");
