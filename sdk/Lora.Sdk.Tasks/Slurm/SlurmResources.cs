using System.Globalization;
using System.Text;

namespace Lora.Sdk.Tasks.Slurm;

/// <summary>
/// The sbatch options of a job array, from the experiments and the build's settings. One array has one request for all its
/// tasks, so each resource is the largest any task needs:
/// <list type="bullet">
/// <item>memory (<c>--mem</c>): the largest compile-time training estimate, with a margin (<see cref="MemoryMiB"/>);</item>
/// <item>GPUs (<c>--gres=gpu:1</c>): LoraDevice cuda or cuda:N; the runner then uses the GPU Slurm gives it (cuda);</item>
/// <item>time (<c>--time</c>): LoraRunnerTimeout rounded up to minutes, none when 0;</item>
/// <item><c>--signal=B:TERM@N</c>: SIGTERM to the job script N = LoraCancelGracePeriod seconds before the time limit, so the
/// runner checkpoints and a resubmitted task resumes.</item>
/// </list>
/// Then LoraSlurmPartition, LoraSlurmAccount, LoraSlurmQos, and LoraSlurmOptions last, so that they win.
/// </summary>
internal static class SlurmResources
{
    /// <summary>The estimate counts training tensors; the process also holds the .NET runtime, libtorch's code and the weights while
    /// they load (about 1 GiB on the CPU), and the estimate is meant to tell 6 GB from 20 GB, not to be exact.</summary>
    public static long MemoryMiB(double estimateMiB) => (long)Math.Ceiling(estimateMiB * 1.25) + 1024;

    /// <summary>The device the tasks' runner is given: Slurm maps the GPU it allocates to index 0.</summary>
    public static string TaskDevice(string device) => device.StartsWith("cuda", StringComparison.Ordinal) ? "cuda" : device;

    public static List<string> Arguments(IReadOnlyList<PlannedExperiment> tasks, string device, int timeoutSeconds, int graceSeconds, SlurmSettings settings)
    {
        var arguments = new List<string>
        {
            "--mem=" + MemoryMiB(tasks.Max(t => t.MemoryMiB)).ToString(CultureInfo.InvariantCulture) + "M",
            "--signal=B:TERM@" + Math.Max(graceSeconds, 1).ToString(CultureInfo.InvariantCulture),
        };
        if (device.StartsWith("cuda", StringComparison.Ordinal)) arguments.Add("--gres=gpu:1");
        if (timeoutSeconds > 0) arguments.Add("--time=" + ((timeoutSeconds + 59) / 60).ToString(CultureInfo.InvariantCulture));
        if (settings.Partition.Length > 0) arguments.Add("--partition=" + settings.Partition);
        if (settings.Account.Length > 0) arguments.Add("--account=" + settings.Account);
        if (settings.Qos.Length > 0) arguments.Add("--qos=" + settings.Qos);
        arguments.AddRange(SplitOptions(settings.Options));
        return arguments;
    }

    /// <summary>LoraSlurmOptions as words: split at spaces outside double or single quotes, the quotes removed.</summary>
    public static IEnumerable<string> SplitOptions(string options)
    {
        var word = new StringBuilder();
        bool inWord = false;
        char quote = '\0';
        foreach (char c in options)
        {
            if (quote != '\0')
            {
                if (c == quote) quote = '\0';
                else word.Append(c);
            }
            else if (c is '"' or '\'')
            {
                quote = c;
                inWord = true;
            }
            else if (char.IsWhiteSpace(c))
            {
                if (inWord) yield return word.ToString();
                word.Clear();
                inWord = false;
            }
            else
            {
                word.Append(c);
                inWord = true;
            }
        }

        if (inWord) yield return word.ToString();
    }
}
