namespace Lora.Sdk.Tests.Infrastructure;

/// <summary>Tests that build projects against the packed SDK: one pack per run, shared; run one after another.</summary>
[CollectionDefinition(Name)]
public sealed class SdkCollection : ICollectionFixture<PackedSdk>
{
    public const string Name = "Packed Lora.Sdk";
}
