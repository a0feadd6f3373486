using Google.Protobuf;

namespace Lora.Runtime.Tokenization;

/// <summary>
/// The parts of a SentencePiece <c>tokenizer.model</c> (a ModelProto protobuf) that
/// Microsoft.ML.Tokenizers does not expose: every piece with its score and type, the model type, and
/// the trainer's pad id. Field numbers are those of sentencepiece_model.proto.
/// </summary>
internal sealed class SentencePieceModelFile
{
    public const string FileName = "tokenizer.model";

    private const int ModelPiecesField = 1;
    private const int ModelTrainerSpecField = 2;
    private const int PieceTextField = 1;
    private const int PieceScoreField = 2;
    private const int PieceTypeField = 3;
    private const int TrainerModelTypeField = 3;
    private const int TrainerPadIdField = 43;

    private SentencePieceModelFile(IReadOnlyList<SentencePiece> pieces, SentencePieceModelType modelType, int padId)
    {
        Pieces = pieces;
        ModelType = modelType;
        PadId = padId;
    }

    /// <summary>The pieces in id order.</summary>
    public IReadOnlyList<SentencePiece> Pieces { get; }

    public SentencePieceModelType ModelType { get; }

    /// <summary>The trainer's pad_id; -1 (the default) when the model has no padding piece.</summary>
    public int PadId { get; }

    public static SentencePieceModelFile Parse(string path, byte[] bytes)
    {
        var pieces = new List<SentencePiece>();
        // The proto's defaults: model_type UNIGRAM, pad_id -1.
        var modelType = SentencePieceModelType.Unigram;
        int padId = -1;
        try
        {
            var input = new CodedInputStream(bytes);
            uint tag;
            while ((tag = input.ReadTag()) != 0)
            {
                switch (WireFormat.GetTagFieldNumber(tag))
                {
                    case ModelPiecesField when WireFormat.GetTagWireType(tag) == WireFormat.WireType.LengthDelimited:
                        pieces.Add(ReadPiece(input.ReadBytes()));
                        break;
                    case ModelTrainerSpecField when WireFormat.GetTagWireType(tag) == WireFormat.WireType.LengthDelimited:
                        (modelType, padId) = ReadTrainerSpec(input.ReadBytes(), modelType, padId);
                        break;
                    default:
                        input.SkipLastField();
                        break;
                }
            }
        }
        catch (InvalidProtocolBufferException e)
        {
            throw new TokenizerLoadException(path, "a SentencePiece model (ModelProto protobuf)", Describe(bytes, e.Message), e);
        }
        if (pieces.Count == 0)
        {
            throw new TokenizerLoadException(path, "a SentencePiece model with pieces", Describe(bytes, "no pieces"));
        }
        return new SentencePieceModelFile(pieces, modelType, padId);
    }

    private static SentencePiece ReadPiece(ByteString bytes)
    {
        string text = "";
        float score = 0;
        var type = SentencePieceType.Normal;
        var input = bytes.CreateCodedInput();
        uint tag;
        while ((tag = input.ReadTag()) != 0)
        {
            switch (WireFormat.GetTagFieldNumber(tag))
            {
                case PieceTextField: text = input.ReadString(); break;
                case PieceScoreField: score = input.ReadFloat(); break;
                case PieceTypeField: type = (SentencePieceType)input.ReadEnum(); break;
                default: input.SkipLastField(); break;
            }
        }
        return new SentencePiece(text, score, type);
    }

    private static (SentencePieceModelType, int) ReadTrainerSpec(ByteString bytes, SentencePieceModelType modelType, int padId)
    {
        var input = bytes.CreateCodedInput();
        uint tag;
        while ((tag = input.ReadTag()) != 0)
        {
            switch (WireFormat.GetTagFieldNumber(tag))
            {
                case TrainerModelTypeField: modelType = (SentencePieceModelType)input.ReadEnum(); break;
                case TrainerPadIdField: padId = input.ReadInt32(); break;
                default: input.SkipLastField(); break;
            }
        }
        return (modelType, padId);
    }

    /// <summary>
    /// Says what a file that is not a SentencePiece model looks like. Llama 3 ships a text file with
    /// the same name ("original/tokenizer.model", tiktoken format); naming it saves a user a search.
    /// </summary>
    private static string Describe(byte[] bytes, string problem)
    {
        var head = System.Text.Encoding.ASCII.GetString(bytes, 0, Math.Min(bytes.Length, 200));
        var firstLine = head.Split('\n')[0];
        bool looksTiktoken = System.Text.RegularExpressions.Regex.IsMatch(firstLine, @"^[A-Za-z0-9+/]+=* \d+$");
        return looksTiktoken
            ? "a tiktoken BPE text file (\"<base64 token> <rank>\" lines), as Llama 3 ships under original/; use the folder with tokenizer.json instead"
            : $"{bytes.Length} bytes that do not parse ({problem})";
    }
}

/// <summary>One entry of a SentencePiece vocabulary.</summary>
internal sealed record SentencePiece(string Text, float Score, SentencePieceType Type);

/// <summary>SentencePiece's piece types (ModelProto.SentencePiece.Type).</summary>
internal enum SentencePieceType
{
    Normal = 1,
    Unknown = 2,
    Control = 3,
    UserDefined = 4,
    Unused = 5,
    Byte = 6,
}

/// <summary>SentencePiece's model types (TrainerSpec.ModelType).</summary>
internal enum SentencePieceModelType
{
    Unigram = 1,
    Bpe = 2,
    Word = 3,
    Char = 4,
}
