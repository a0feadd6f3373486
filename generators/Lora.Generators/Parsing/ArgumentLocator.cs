using System.Collections.Generic;
using Lora.Generators.Common;
using Lora.Generators.Diagnostics;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace Lora.Generators.Parsing
{
    /// <summary>Finds the source of each attribute argument, so diagnostics land on the argument at fault.</summary>
    internal static class ArgumentLocator
    {
        /// <summary>The syntax written for the constructor parameter at <paramref name="index"/>.</summary>
        /// <param name="syntax">The attribute.</param>
        /// <param name="parameter">The constructor parameter.</param>
        /// <param name="index">The parameter's position.</param>
        /// <returns>The arguments that supply it: one, several for expanded <c>params</c>, or none.</returns>
        public static IReadOnlyList<AttributeArgumentSyntax> ForConstructorParameter(AttributeSyntax syntax, IParameterSymbol parameter, int index)
        {
            var found = new List<AttributeArgumentSyntax>();
            var positional = new List<AttributeArgumentSyntax>();
            foreach (var argument in syntax.ArgumentList?.Arguments ?? default)
            {
                if (argument.NameEquals is not null)
                {
                    continue;
                }

                if (argument.NameColon is not null)
                {
                    if (argument.NameColon.Name.Identifier.ValueText == parameter.Name)
                    {
                        found.Add(argument);
                    }

                    continue;
                }

                positional.Add(argument);
            }

            if (found.Count > 0)
            {
                return found;
            }

            for (var i = index; i < positional.Count; i++)
            {
                found.Add(positional[i]);
                if (!parameter.IsParams)
                {
                    break;
                }
            }

            return found;
        }

        /// <summary>The syntax of the named argument <paramref name="name"/>, or null.</summary>
        /// <param name="syntax">The attribute.</param>
        /// <param name="name">The property name.</param>
        /// <returns>The argument or null.</returns>
        public static AttributeArgumentSyntax? ForNamedArgument(AttributeSyntax syntax, string name)
        {
            foreach (var argument in syntax.ArgumentList?.Arguments ?? default)
            {
                if (argument.NameEquals?.Name.Identifier.ValueText == name)
                {
                    return argument;
                }
            }

            return null;
        }

        /// <summary>The element expressions of an array written inline: <c>new[] { ... }</c>, <c>new T[] { ... }</c> or <c>[ ... ]</c>.</summary>
        /// <param name="expression">The argument's expression.</param>
        /// <returns>The elements, or null when the expression is not an inline array.</returns>
        public static IReadOnlyList<ExpressionSyntax>? ArrayElements(ExpressionSyntax expression)
        {
            switch (expression)
            {
                case ImplicitArrayCreationExpressionSyntax implicitArray:
                    return implicitArray.Initializer.Expressions;
                case ArrayCreationExpressionSyntax array when array.Initializer is not null:
                    return array.Initializer.Expressions;
                case CollectionExpressionSyntax collection:
                    var elements = new List<ExpressionSyntax>();
                    foreach (var element in collection.Elements)
                    {
                        if (element is not ExpressionElementSyntax expressionElement)
                        {
                            return null;
                        }

                        elements.Add(expressionElement.Expression);
                    }

                    return elements;
                default:
                    return null;
            }
        }

        /// <summary>Captures element locations when their count matches the value's.</summary>
        /// <param name="elements">The element expressions, or null.</param>
        /// <param name="count">The number of elements in the constant.</param>
        /// <returns>One location per element, or an empty array.</returns>
        public static EquatableArray<LocationInfo> Locations(IReadOnlyList<SyntaxNode>? elements, int count)
        {
            if (elements is null || elements.Count != count)
            {
                return EquatableArray<LocationInfo>.Empty;
            }

            var locations = new LocationInfo[count];
            for (var i = 0; i < count; i++)
            {
                locations[i] = LocationInfo.From(elements[i].GetLocation())!;
            }

            return new EquatableArray<LocationInfo>(locations);
        }
    }
}
