using System.Collections.Immutable;
using System.Composition;
using System.Threading;
using System.Threading.Tasks;
using Lora.Generators.Diagnostics;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace Lora.Generators.CodeFixes
{
    /// <summary>
    /// Fixes a misspelled name written as a string literal by the generator's "did you mean" suggestion:
    /// a target module (LORA0043) or a swept setting (LORA0030).
    /// </summary>
    [ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(UseSuggestedNameCodeFix))]
    [Shared]
    public sealed class UseSuggestedNameCodeFix : CodeFixProvider
    {
        /// <inheritdoc/>
        public override ImmutableArray<string> FixableDiagnosticIds { get; } =
            ImmutableArray.Create(DiagnosticIds.UnknownTargetModule, DiagnosticIds.UnknownSweepSetting);

        /// <inheritdoc/>
        public override FixAllProvider GetFixAllProvider() => WellKnownFixAllProviders.BatchFixer;

        /// <inheritdoc/>
        public override async Task RegisterCodeFixesAsync(CodeFixContext context)
        {
            var root = await context.Document.GetSyntaxRootAsync(context.CancellationToken).ConfigureAwait(false);
            foreach (var diagnostic in context.Diagnostics)
            {
                if (!diagnostic.Properties.TryGetValue(DiagnosticIds.SuggestionProperty, out var suggestion) || suggestion is null)
                {
                    continue;
                }

                var literal = FindLiteral(root?.FindNode(diagnostic.Location.SourceSpan, getInnermostNodeForTie: true));
                if (literal is null)
                {
                    continue;
                }

                context.RegisterCodeFix(
                    CodeAction.Create(
                        "Use '" + suggestion + "'",
                        ct => ReplaceAsync(context.Document, literal, suggestion, ct),
                        equivalenceKey: nameof(UseSuggestedNameCodeFix)),
                    diagnostic);
            }
        }

        private static LiteralExpressionSyntax? FindLiteral(SyntaxNode? node) => node switch
        {
            LiteralExpressionSyntax literal when literal.IsKind(SyntaxKind.StringLiteralExpression) => literal,
            AttributeArgumentSyntax { Expression: LiteralExpressionSyntax literal } when literal.IsKind(SyntaxKind.StringLiteralExpression) => literal,
            _ => null,
        };

        private static async Task<Document> ReplaceAsync(Document document, LiteralExpressionSyntax literal, string suggestion, CancellationToken cancellationToken)
        {
            var root = await document.GetSyntaxRootAsync(cancellationToken).ConfigureAwait(false);
            if (root is null)
            {
                return document;
            }

            var replacement = SyntaxFactory.LiteralExpression(SyntaxKind.StringLiteralExpression, SyntaxFactory.Literal(suggestion))
                .WithTriviaFrom(literal);
            return document.WithSyntaxRoot(root.ReplaceNode(literal, replacement));
        }
    }
}
