// TorchSharp's random generator is process-wide: tests that seed it (initialisation, dropout, sampling)
// must not interleave with others, or "same seed, same result" stops holding. Run test classes one at a time.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
