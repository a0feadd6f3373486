using System.Collections.Generic;
using Lora.Generators.Common;
using Microsoft.CodeAnalysis;

namespace Lora.Generators.Parsing
{
    /// <summary>Reads the row type of [Dataset&lt;TRow&gt;]: its name and readable properties.</summary>
    internal static class RowTypeReader
    {
        /// <summary>Reads the row type from the attribute's type argument.</summary>
        /// <param name="attribute">The [Dataset&lt;TRow&gt;] application.</param>
        /// <returns>The row type, or null when it cannot be resolved.</returns>
        public static RowTypeSpec? Read(AttributeData attribute)
        {
            if (attribute.AttributeClass is not { TypeArguments.Length: 1 } attributeClass
                || attributeClass.TypeArguments[0] is not INamedTypeSymbol row
                || row.TypeKind == TypeKind.Error)
            {
                return null;
            }

            var names = new List<string>();
            for (var type = row; type is not null && type.SpecialType != SpecialType.System_Object; type = type.BaseType)
            {
                foreach (var member in type.GetMembers())
                {
                    if (member is IPropertySymbol { IsStatic: false, IsIndexer: false, DeclaredAccessibility: Accessibility.Public, GetMethod: not null } property
                        && !names.Contains(property.Name))
                    {
                        names.Add(property.Name);
                    }
                }
            }

            return new RowTypeSpec(
                row.ToDisplayString(SymbolDisplayFormat.FullyQualifiedFormat).Replace("global::", ""),
                row.Name,
                names.ToEquatableArray());
        }
    }
}
