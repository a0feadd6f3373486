namespace Lora
{
    /// <summary>A linear module of a model family that LoRA can adapt.</summary>
    /// <param name="QualifiedName">Its name inside a block, or at the top for the head: <c>self_attn.q_proj</c>, <c>lm_head</c>.</param>
    /// <param name="Shape">Its input and output widths.</param>
    /// <param name="PerLayer">True when every transformer block has one; false for the output head.</param>
    /// <param name="HasBias">Whether the module has a bias vector.</param>
    public sealed record LinearModule(string QualifiedName, ModuleShape Shape, bool PerLayer, bool HasBias)
    {
        /// <summary>The last dotted part of the name: <c>q_proj</c>.</summary>
        public string LeafName
        {
            get
            {
                var dot = QualifiedName.LastIndexOf('.');
                return dot < 0 ? QualifiedName : QualifiedName.Substring(dot + 1);
            }
        }

        /// <summary>Whether a PEFT target name selects this module: equal to the qualified name or to a dotted suffix of it.</summary>
        /// <param name="target">A target as written in <see cref="LoraAdapterAttribute.Targets"/>.</param>
        /// <returns>True on a match.</returns>
        public bool IsSelectedBy(string target) =>
            QualifiedName == target || QualifiedName.EndsWith("." + target, System.StringComparison.Ordinal);

        /// <summary>The module's (input, output) widths for a concrete model.</summary>
        /// <param name="dims">The model's sizes.</param>
        /// <returns>Input and output widths.</returns>
        public (int In, int Out) Widths(ModelDimensions dims) => Shape switch
        {
            ModuleShape.HiddenToQuery => (dims.HiddenSize, dims.QueryWidth),
            ModuleShape.HiddenToKeyValue => (dims.HiddenSize, dims.KeyValueWidth),
            ModuleShape.QueryToHidden => (dims.QueryWidth, dims.HiddenSize),
            ModuleShape.HiddenToFusedQkv => (dims.HiddenSize, dims.QueryWidth + (2 * dims.KeyValueWidth)),
            ModuleShape.HiddenToThreeHidden => (dims.HiddenSize, 3 * dims.HiddenSize),
            ModuleShape.HiddenToHidden => (dims.HiddenSize, dims.HiddenSize),
            ModuleShape.HiddenToIntermediate => (dims.HiddenSize, dims.IntermediateSize),
            ModuleShape.HiddenToTwoIntermediate => (dims.HiddenSize, 2 * dims.IntermediateSize),
            ModuleShape.IntermediateToHidden => (dims.IntermediateSize, dims.HiddenSize),
            _ => (dims.HiddenSize, dims.VocabSize),
        };
    }
}
