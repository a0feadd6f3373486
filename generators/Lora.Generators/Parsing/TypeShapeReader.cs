using System.Collections.Generic;
using Lora.Generators.Common;
using Lora.Generators.Diagnostics;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace Lora.Generators.Parsing
{
    /// <summary>Reads the declaration shape of the experiment type and its containers.</summary>
    internal static class TypeShapeReader
    {
        /// <summary>Reads the shape.</summary>
        /// <param name="symbol">The experiment type.</param>
        /// <param name="declaration">The declaration that carries [Experiment].</param>
        /// <returns>The shape.</returns>
        public static ExperimentTypeSpec Read(INamedTypeSymbol symbol, TypeDeclarationSyntax declaration)
        {
            var containing = new List<ContainingTypeSpec>();
            for (var parent = declaration.Parent as TypeDeclarationSyntax; parent is not null; parent = parent.Parent as TypeDeclarationSyntax)
            {
                containing.Insert(0, new ContainingTypeSpec(
                    Keyword(parent),
                    parent.Identifier.ValueText,
                    IsPartial(parent),
                    parent.TypeParameterList is not null,
                    IsPrivate(parent.Modifiers),
                    LocationInfo.From(parent.Identifier.GetLocation())!));
            }

            var ns = symbol.ContainingNamespace is { IsGlobalNamespace: false } n ? n.ToDisplayString() : null;
            return new ExperimentTypeSpec(
                ns,
                symbol.Name,
                symbol.ToDisplayString(SymbolDisplayFormat.FullyQualifiedFormat).Replace("global::", ""),
                Keyword(declaration),
                symbol.IsRecord,
                IsPartial(declaration),
                symbol.IsGenericType,
                symbol.DeclaredAccessibility is Accessibility.Private or Accessibility.Protected or Accessibility.ProtectedAndInternal,
                containing.ToEquatableArray(),
                LocationInfo.From(declaration.Identifier.GetLocation())!);
        }

        private static string Keyword(TypeDeclarationSyntax declaration) => declaration switch
        {
            RecordDeclarationSyntax record => record.ClassOrStructKeyword.IsKind(SyntaxKind.StructKeyword) ? "record struct" : "record",
            StructDeclarationSyntax => "struct",
            InterfaceDeclarationSyntax => "interface",
            _ => "class",
        };

        private static bool IsPartial(TypeDeclarationSyntax declaration) => declaration.Modifiers.Any(SyntaxKind.PartialKeyword);

        private static bool IsPrivate(SyntaxTokenList modifiers) =>
            modifiers.Any(SyntaxKind.PrivateKeyword) || modifiers.Any(SyntaxKind.ProtectedKeyword);
    }
}
