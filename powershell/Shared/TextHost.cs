using System;
using System.Collections.Generic;
using System.Collections.ObjectModel;
using System.Globalization;
using System.IO;
using System.Management.Automation;
using System.Management.Automation.Host;
using System.Security;

namespace ApiManagementBackend.Hosting
{
    /// <summary>
    /// A plain-text PowerShell host: formatted output (Out-Default) and every stream go to a
    /// TextWriter, and prompts (-Confirm, Read-Host) are answered from a queue or a TextReader.
    /// Shared by the console runner (apimhost) and the xunit tests.
    /// </summary>
    public sealed class TextHost : PSHost
    {
        private readonly TextHostUserInterface _ui;

        public TextHost(TextWriter output, Func<string> readLine)
        {
            _ui = new TextHostUserInterface(output, readLine);
        }

        /// <summary>Every prompt the host was asked (captions and messages), for assertions.</summary>
        public IReadOnlyList<string> Prompts => _ui.Prompts;
        public int? ExitCode { get; private set; }

        public override Guid InstanceId { get; } = Guid.NewGuid();
        public override string Name => "ApiManagementBackend.TextHost";
        public override Version Version => new Version(1, 0);
        public override PSHostUserInterface UI => _ui;
        public override CultureInfo CurrentCulture => CultureInfo.InvariantCulture;
        public override CultureInfo CurrentUICulture => CultureInfo.InvariantCulture;
        public override void SetShouldExit(int exitCode) => ExitCode = exitCode;
        public override void EnterNestedPrompt() => throw new NotSupportedException("Nested prompts are not supported by this host.");
        public override void ExitNestedPrompt() => throw new NotSupportedException("Nested prompts are not supported by this host.");
        public override void NotifyBeginApplication() { }
        public override void NotifyEndApplication() { }
    }

    internal sealed class TextHostUserInterface : PSHostUserInterface
    {
        private readonly TextWriter _out;
        private readonly Func<string> _readLine;
        private readonly TextRawUserInterface _raw = new TextRawUserInterface();
        internal readonly List<string> Prompts = new List<string>();

        internal TextHostUserInterface(TextWriter output, Func<string> readLine)
        {
            _out = output;
            _readLine = readLine;
        }

        public override PSHostRawUserInterface RawUI => _raw;
        public override string ReadLine() => _readLine() ?? string.Empty;
        public override SecureString ReadLineAsSecureString()
        {
            var s = new SecureString();
            foreach (char c in ReadLine()) s.AppendChar(c);
            return s;
        }
        public override void Write(string value) => _out.Write(value);
        public override void Write(ConsoleColor foregroundColor, ConsoleColor backgroundColor, string value) => _out.Write(value);
        public override void WriteLine(string value) => _out.WriteLine(value);
        public override void WriteErrorLine(string value) => _out.WriteLine("ERROR: " + value);
        public override void WriteDebugLine(string message) => _out.WriteLine("DEBUG: " + message);
        public override void WriteVerboseLine(string message) => _out.WriteLine("VERBOSE: " + message);
        public override void WriteWarningLine(string message) => _out.WriteLine("WARNING: " + message);
        public override void WriteProgress(long sourceId, ProgressRecord record) { }

        public override Dictionary<string, PSObject> Prompt(string caption, string message, Collection<FieldDescription> descriptions)
        {
            Prompts.Add(caption + "|" + message);
            var result = new Dictionary<string, PSObject>();
            foreach (FieldDescription d in descriptions)
            {
                _out.Write(d.Name + ": ");
                result[d.Name] = new PSObject(ReadLine());
            }
            return result;
        }

        public override PSCredential PromptForCredential(string caption, string message, string userName, string targetName) =>
            throw new NotSupportedException("Credential prompts are not supported by this host; pass a PSCredential.");

        public override PSCredential PromptForCredential(string caption, string message, string userName, string targetName,
            PSCredentialTypes allowedCredentialTypes, PSCredentialUIOptions options) =>
            PromptForCredential(caption, message, userName, targetName);

        /// <summary>Answers with the choice whose label (without '&amp;') or hotkey matches the
        /// next line read; an empty line takes the default.</summary>
        public override int PromptForChoice(string caption, string message, Collection<ChoiceDescription> choices, int defaultChoice)
        {
            Prompts.Add(caption + "|" + message);
            _out.WriteLine(caption);
            _out.WriteLine(message);
            string answer = (ReadLine() ?? string.Empty).Trim();
            if (answer.Length == 0) return defaultChoice;
            for (int i = 0; i < choices.Count; i++)
            {
                string label = choices[i].Label;
                int amp = label.IndexOf('&');
                string plain = label.Replace("&", string.Empty);
                string hotkey = amp >= 0 && amp + 1 < label.Length ? label.Substring(amp + 1, 1) : null;
                if (string.Equals(answer, plain, StringComparison.OrdinalIgnoreCase) ||
                    string.Equals(answer, hotkey, StringComparison.OrdinalIgnoreCase))
                {
                    return i;
                }
            }
            return defaultChoice;
        }
    }

    internal sealed class TextRawUserInterface : PSHostRawUserInterface
    {
        public override ConsoleColor BackgroundColor { get; set; } = ConsoleColor.Black;
        public override ConsoleColor ForegroundColor { get; set; } = ConsoleColor.White;
        public override Size BufferSize { get; set; } = new Size(160, 9999);
        public override Coordinates CursorPosition { get; set; }
        public override int CursorSize { get; set; }
        public override bool KeyAvailable => false;
        public override Size MaxPhysicalWindowSize => new Size(160, 50);
        public override Size MaxWindowSize => new Size(160, 50);
        public override Coordinates WindowPosition { get; set; }
        public override Size WindowSize { get; set; } = new Size(160, 50);
        public override string WindowTitle { get; set; } = string.Empty;
        public override void FlushInputBuffer() { }
        public override BufferCell[,] GetBufferContents(Rectangle rectangle) => throw new NotSupportedException();
        public override KeyInfo ReadKey(ReadKeyOptions options) => throw new NotSupportedException();
        public override void ScrollBufferContents(Rectangle source, Coordinates destination, Rectangle clip, BufferCell fill) => throw new NotSupportedException();
        public override void SetBufferContents(Coordinates origin, BufferCell[,] contents) => throw new NotSupportedException();
        public override void SetBufferContents(Rectangle rectangle, BufferCell fill) => throw new NotSupportedException();
    }
}
