using System.Collections.Generic;

namespace Lora
{
    /// <summary>
    /// One multiple-choice question, a line of <see cref="EvaluateAttribute.ChoicesPath"/>:
    /// <c>{"question": "Question: What do plants need?\nAnswer:", "choices": ["light", "salt"], "answer": 0}</c> (field names
    /// ignoring case). As lm-evaluation-harness scores a <c>multiple_choice</c> task, the question is the context and each
    /// choice, after a space, the continuation whose log-likelihood is summed.
    /// </summary>
    /// <param name="Question">The context the choices continue, written as the model should see it (e.g. "Question: ...\nAnswer:").</param>
    /// <param name="Choices">At least two choices, without the space that separates them from the question.</param>
    /// <param name="Answer">The index of the right choice in <paramref name="Choices"/>.</param>
    public sealed record MultipleChoiceRow(string Question, IReadOnlyList<string> Choices, int Answer);
}
