using System.Linq;
using System.Text;
using System.Text.RegularExpressions;
using System.Threading;
using Microsoft.CodeAnalysis;

namespace KubeInformers.Generator.Crds;

/// <summary>
/// The <c>&lt;summary&gt;</c> of a symbol's XML doc comment as plain text, for a schema <c>description</c>. Reads source
/// declarations' <c>///</c> lines directly (so it works whether or not the build generates documentation) and falls back
/// to the compiler's documentation XML for metadata symbols. Stateless and thread-safe.
/// </summary>
internal static class DocComments
{
    private static readonly Regex SummaryElement = new("<summary>(.*?)</summary>", RegexOptions.Singleline | RegexOptions.CultureInvariant);
    private static readonly Regex Reference = new("<(?:see|seealso|paramref|typeparamref)\\s+(?:cref|name|langword|href)=\"(?:[A-Z]:)?([^\"]*)\"\\s*/>", RegexOptions.CultureInvariant);
    private static readonly Regex Tag = new("</?[a-zA-Z][^>]*>", RegexOptions.CultureInvariant);
    private static readonly Regex Space = new("\\s+", RegexOptions.CultureInvariant);

    /// <summary>The summary text, or null when there is none.</summary>
    public static string? Summary(ISymbol symbol, CancellationToken cancellationToken)
    {
        var xml = FromSource(symbol, cancellationToken);
        if (xml is null && !symbol.Locations.Any(l => l.IsInSource))
        {
            xml = symbol.GetDocumentationCommentXml(cancellationToken: cancellationToken);
        }

        if (string.IsNullOrEmpty(xml))
        {
            return null;
        }

        var match = SummaryElement.Match(xml);
        if (!match.Success)
        {
            return null;
        }

        var text = Reference.Replace(match.Groups[1].Value, m => m.Groups[1].Value.Split('.').Last());
        text = Tag.Replace(text, string.Empty);
        text = Space.Replace(text, " ").Trim()
            .Replace("&lt;", "<").Replace("&gt;", ">").Replace("&quot;", "\"").Replace("&apos;", "'").Replace("&amp;", "&");
        return text.Length == 0 ? null : text;
    }

    private static string? FromSource(ISymbol symbol, CancellationToken cancellationToken)
    {
        foreach (var reference in symbol.DeclaringSyntaxReferences)
        {
            var node = reference.GetSyntax(cancellationToken);
            // A property's syntax is the declaration; a type's too. Doc comments are leading trivia of the first token.
            var trivia = node.GetLeadingTrivia().ToFullString();
            var b = new StringBuilder();
            foreach (var line in trivia.Split('\n'))
            {
                var trimmed = line.Trim();
                if (trimmed.StartsWith("///", System.StringComparison.Ordinal))
                {
                    b.Append(trimmed.Substring(3)).Append('\n');
                }
            }

            if (b.Length > 0)
            {
                return b.ToString();
            }
        }

        return null;
    }
}
