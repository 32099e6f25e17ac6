using System.Text;
using Autograd.Cli;

Console.OutputEncoding = Encoding.UTF8;
return Cli.Run(args, new Terminal(Console.In, Console.Out, Console.Error, ErrorIsInteractive: !Console.IsErrorRedirected));
