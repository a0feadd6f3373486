using Lora.Generators.Model;

namespace Lora.Generators.Emitting
{
    /// <summary>Opens and closes a generated part of an experiment's type: its namespace, containing types and itself.</summary>
    internal static class TypeDeclaration
    {
        /// <summary>Writes the namespace and the partial declarations down to the type, each opened.</summary>
        /// <param name="w">The writer.</param>
        /// <param name="type">The experiment's type.</param>
        public static void Open(SourceWriter w, TypeModel type)
        {
            if (type.Namespace is not null)
            {
                w.Line("namespace " + type.Namespace).Open();
            }

            foreach (var container in type.ContainingTypes)
            {
                w.Line("partial " + container.Keyword + " " + container.Name).Open();
            }

            w.Line("partial " + type.Keyword + " " + type.Name).Open();
        }

        /// <summary>Closes what <see cref="Open"/> opened.</summary>
        /// <param name="w">The writer.</param>
        /// <param name="type">The experiment's type.</param>
        public static void Close(SourceWriter w, TypeModel type)
        {
            w.Close();
            foreach (var unused in type.ContainingTypes)
            {
                w.Close();
            }

            if (type.Namespace is not null)
            {
                w.Close();
            }
        }
    }
}
