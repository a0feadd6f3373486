namespace Lora.Sdk.Tasks.Slurm;

/// <summary>
/// What a LoraScheduler=slurm build asks Slurm for besides the tasks' resources: the LoraSlurm* properties, and whether
/// the build waits for the job array (LoraSchedulerWait).
/// </summary>
/// <param name="Partition">LoraSlurmPartition (<c>--partition</c>); empty: the cluster's default.</param>
/// <param name="Account">LoraSlurmAccount (<c>--account</c>); empty: the user's default.</param>
/// <param name="Qos">LoraSlurmQos (<c>--qos</c>); empty: the default.</param>
/// <param name="Options">LoraSlurmOptions: more sbatch options, after Lora's own (so they win).</param>
/// <param name="Wait">True: the build waits for the array and relays it; false: it submits and returns.</param>
internal sealed record SlurmSettings(string Partition, string Account, string Qos, string Options, bool Wait);
