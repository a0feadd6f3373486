using System.Linq;
using Lora.Generators.Diagnostics;
using Lora.Generators.Parsing;

namespace Lora.Generators.Resolving
{
    /// <summary>Checks that the experiment's declaration can take generated members and has the attributes it needs (LORA0001, 0002, 0005–0007).</summary>
    internal static class DeclarationValidator
    {
        /// <summary>Checks the declaration.</summary>
        /// <param name="context">The resolution context.</param>
        /// <returns>True when the generator can add members to the type.</returns>
        public static bool Validate(ResolutionContext context)
        {
            var canEmit = ValidateShape(context);
            ValidateAttributes(context);
            return canEmit;
        }

        private static bool ValidateShape(ResolutionContext context)
        {
            var type = context.Spec.Type;
            var at = type.IdentifierLocation;
            if (!type.IsRecord)
            {
                context.Report(DiagnosticDescriptors.InvalidExperimentDeclaration, at, type.Keyword + " '" + type.Name + "'", "Declare it as 'partial record " + type.Name + "'.");
                return false;
            }

            if (type.IsGeneric)
            {
                context.Report(DiagnosticDescriptors.InvalidExperimentDeclaration, at, "generic record '" + type.Name + "'", "Remove the type parameters.");
                return false;
            }

            if (type.IsPrivate)
            {
                context.Report(DiagnosticDescriptors.InvalidExperimentDeclaration, at, "private record '" + type.Name + "'", "Make it public or internal.");
                return false;
            }

            foreach (var container in type.ContainingTypes)
            {
                if (container.IsGeneric || container.IsPrivate)
                {
                    var what = container.IsGeneric ? "generic" : "private";
                    context.Report(DiagnosticDescriptors.InvalidExperimentDeclaration, at, "record '" + type.Name + "' nested in " + what + " " + container.Keyword + " '" + container.Name + "'", "Move the record out of '" + container.Name + "'.");
                    return false;
                }
            }

            var canEmit = true;
            foreach (var container in type.ContainingTypes.Where(c => !c.IsPartial))
            {
                context.Report(DiagnosticDescriptors.ExperimentNotPartial, container.IdentifierLocation, container.Name, container.Keyword);
                canEmit = false;
            }

            if (!type.IsPartial)
            {
                context.Report(DiagnosticDescriptors.ExperimentNotPartial, at, type.Name, type.Keyword);
                canEmit = false;
            }

            return canEmit;
        }

        private static void ValidateAttributes(ResolutionContext context)
        {
            var spec = context.Spec;
            var name = spec.Find(AttributeKind.Experiment)?.Find("Name")?.Value.Text ?? spec.Type.Name;
            if (spec.Find(AttributeKind.BaseModel) is null)
            {
                context.Report(DiagnosticDescriptors.MissingBaseModel, context.ExperimentLocation, name, Lora.BuiltInModels.All[0].Name);
            }

            var untyped = spec.Find(AttributeKind.Dataset);
            var typed = spec.Find(AttributeKind.TypedDataset);
            if (untyped is null && typed is null)
            {
                context.Report(DiagnosticDescriptors.MissingDataset, context.ExperimentLocation, name);
            }
            else if (untyped is not null && typed is not null)
            {
                context.Report(DiagnosticDescriptors.MultipleDatasets, typed.Location, name, context.RowTypeName ?? "TRow");
            }
        }
    }
}
