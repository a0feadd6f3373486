using System.Collections.Generic;
using System.Threading;
using Lora.Generators.Common;
using Lora.Generators.Diagnostics;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace Lora.Generators.Parsing
{
    /// <summary>Reads one Lora attribute application into an <see cref="AttributeSpec"/>.</summary>
    internal static class AttributeReader
    {
        /// <summary>Reads the attribute when it is one of Lora's and was written in source.</summary>
        /// <param name="attribute">The attribute data.</param>
        /// <param name="cancellationToken">Cancels the read.</param>
        /// <returns>The spec, or null for other attributes.</returns>
        public static AttributeSpec? Read(AttributeData attribute, CancellationToken cancellationToken)
        {
            var attributeClass = attribute.AttributeClass;
            if (attributeClass is null || attributeClass.ContainingNamespace?.ToDisplayString() != AttributeNames.Namespace)
            {
                return null;
            }

            var kind = AttributeNames.KindOf(attributeClass.MetadataName);
            if (kind is null || attribute.ApplicationSyntaxReference?.GetSyntax(cancellationToken) is not AttributeSyntax syntax)
            {
                return null;
            }

            var location = LocationInfo.From(syntax.GetLocation())!;
            var arguments = new List<ArgumentSpec>();
            ReadConstructorArguments(attribute, syntax, arguments);
            ReadNamedArguments(attribute, syntax, arguments);
            return new AttributeSpec(kind.Value, location, arguments.ToEquatableArray());
        }

        private static void ReadConstructorArguments(AttributeData attribute, AttributeSyntax syntax, List<ArgumentSpec> arguments)
        {
            var constructor = attribute.AttributeConstructor;
            if (constructor is null)
            {
                return;
            }

            for (var i = 0; i < constructor.Parameters.Length && i < attribute.ConstructorArguments.Length; i++)
            {
                var parameter = constructor.Parameters[i];
                var written = ArgumentLocator.ForConstructorParameter(syntax, parameter, i);
                var value = TypedConstantReader.Read(attribute.ConstructorArguments[i]);
                if (written.Count == 0 || value is null)
                {
                    continue;
                }

                var first = written[0].GetLocation();
                var span = Microsoft.CodeAnalysis.Text.TextSpan.FromBounds(written[0].SpanStart, written[written.Count - 1].Span.End);
                var location = LocationInfo.From(Location.Create(syntax.SyntaxTree, span)) ?? LocationInfo.From(first)!;
                IReadOnlyList<SyntaxNode>? elements = null;
                if (value.Kind == SettingKind.Array)
                {
                    elements = parameter.IsParams && !(written.Count == 1 && ArgumentLocator.ArrayElements(written[0].Expression) is not null)
                        ? Nodes(written)
                        : ArgumentLocator.ArrayElements(written[0].Expression);
                }

                arguments.Add(new ArgumentSpec(Pascal(parameter.Name), value, location, ArgumentLocator.Locations(elements, value.Elements.Count)));
            }
        }

        private static void ReadNamedArguments(AttributeData attribute, AttributeSyntax syntax, List<ArgumentSpec> arguments)
        {
            foreach (var named in attribute.NamedArguments)
            {
                var written = ArgumentLocator.ForNamedArgument(syntax, named.Key);
                var value = TypedConstantReader.Read(named.Value);
                if (written is null || value is null)
                {
                    continue;
                }

                var elements = value.Kind == SettingKind.Array ? ArgumentLocator.ArrayElements(written.Expression) : null;
                arguments.Add(new ArgumentSpec(
                    named.Key,
                    value,
                    LocationInfo.From(written.GetLocation())!,
                    ArgumentLocator.Locations(elements, value.Elements.Count)));
            }
        }

        private static IReadOnlyList<SyntaxNode> Nodes(IReadOnlyList<AttributeArgumentSyntax> written)
        {
            var nodes = new List<SyntaxNode>(written.Count);
            foreach (var argument in written)
            {
                nodes.Add(argument.Expression);
            }

            return nodes;
        }

        private static string Pascal(string name) =>
            name.Length == 0 ? name : char.ToUpperInvariant(name[0]) + name.Substring(1);
    }
}
