using System.Buffers.Binary;
using System.Text;

namespace Lora.Runtime.Native;

/// <summary>
/// Edits the dynamic-linking tables of an ELF64 little-endian shared library so that it stops
/// requiring one versioned symbol that an older libstdc++ lacks.
/// </summary>
/// <remarks>
/// TorchSharp 0.107's libLibTorchSharp.so was built with GCC 13, which references
/// <c>std::ios_base_library_init()</c> at version GLIBCXX_3.4.32 wherever &lt;iostream&gt; is included.
/// Debian 12 and Ubuntu 22.04 ship libstdc++ 12 (GLIBCXX_3.4.30), where the standard streams are
/// initialised by the library's own static initialisers, so the call is redundant. The patch
/// (1) marks the GLIBCXX_3.4.32 requirement weak so the loader no longer refuses the file,
/// (2) makes the symbol unversioned, and (3) renames it in .dynstr, in place, to a shorter
/// existing function with the same signature, <c>std::get_new_handler()</c> (a getter whose result
/// the caller ignores). Only the bytes of those table entries change.
/// </remarks>
public static class ElfSymbolPatch
{
    public const string MissingVersion = "GLIBCXX_3.4.32";
    public const string MissingSymbol = "_ZSt21ios_base_library_initv";
    public const string StandInSymbol = "_ZSt15get_new_handlerv";

    const uint ShtDynsym = 11, ShtGnuVersym = 0x6fffffff, ShtGnuVerneed = 0x6ffffffe;
    const ushort VerFlagWeak = 0x2, VersionGlobal = 1;

    /// <summary>Returns a patched copy of <paramref name="elf"/>; throws <see cref="InvalidDataException"/> naming what is missing.</summary>
    public static byte[] Apply(ReadOnlySpan<byte> elf, string fileName)
    {
        var image = elf.ToArray();
        var span = image.AsSpan();
        if (span.Length < 64 || span[0] != 0x7f || span[1] != (byte)'E' || span[2] != (byte)'L' || span[3] != (byte)'F')
            throw new InvalidDataException($"{fileName}: not an ELF file.");
        if (span[4] != 2 || span[5] != 1)
            throw new InvalidDataException($"{fileName}: only 64-bit little-endian ELF files can be patched (class {span[4]}, data {span[5]}).");

        var sections = ReadSections(span, fileName);
        var dynsym = sections.FirstOrDefault(s => s.Type == ShtDynsym);
        var versym = sections.FirstOrDefault(s => s.Type == ShtGnuVersym);
        var verneed = sections.FirstOrDefault(s => s.Type == ShtGnuVerneed);
        if (dynsym is null || versym is null || verneed is null)
            throw new InvalidDataException($"{fileName}: no .dynsym, .gnu.version or .gnu.version_r section; nothing to patch.");
        var dynstr = sections[(int)dynsym.Link];

        ushort versionIndex = MarkVersionWeak(span, verneed, sections[(int)verneed.Link], fileName);

        int patched = 0;
        int count = (int)(dynsym.Size / 24);
        for (int i = 1; i < count; i++)
        {
            var sym = span.Slice((int)dynsym.Offset + i * 24, 24);
            var versymEntry = span.Slice((int)versym.Offset + i * 2, 2);
            if ((BinaryPrimitives.ReadUInt16LittleEndian(versymEntry) & 0x7fff) != versionIndex) continue;
            uint nameOffset = BinaryPrimitives.ReadUInt32LittleEndian(sym);
            string name = ReadString(span, dynstr.Offset + nameOffset);
            if (name != MissingSymbol)
                throw new InvalidDataException($"{fileName}: symbol '{name}' also needs {MissingVersion}; only '{MissingSymbol}' can be replaced safely.");
            EnsureNotShared(span, dynsym, dynstr, nameOffset, name.Length, fileName);
            var target = span.Slice((int)(dynstr.Offset + nameOffset), name.Length + 1);
            target.Clear();
            Encoding.ASCII.GetBytes(StandInSymbol).CopyTo(target);
            BinaryPrimitives.WriteUInt16LittleEndian(versymEntry, VersionGlobal);
            patched++;
        }
        if (patched == 0)
            throw new InvalidDataException($"{fileName}: no dynamic symbol uses {MissingVersion}; expected '{MissingSymbol}'.");
        return image;
    }

    /// <summary>Sets VER_FLG_WEAK on the GLIBCXX_3.4.32 requirement and returns its version index.</summary>
    static ushort MarkVersionWeak(Span<byte> span, Section verneed, Section strtab, string fileName)
    {
        long entry = verneed.Offset;
        for (int n = 0; n < verneed.Info; n++)
        {
            ushort auxCount = BinaryPrimitives.ReadUInt16LittleEndian(span.Slice((int)entry + 2));
            uint auxOffset = BinaryPrimitives.ReadUInt32LittleEndian(span.Slice((int)entry + 8));
            uint next = BinaryPrimitives.ReadUInt32LittleEndian(span.Slice((int)entry + 12));
            long aux = entry + auxOffset;
            for (int a = 0; a < auxCount; a++)
            {
                uint name = BinaryPrimitives.ReadUInt32LittleEndian(span.Slice((int)aux + 8));
                if (ReadString(span, strtab.Offset + name) == MissingVersion)
                {
                    var flags = span.Slice((int)aux + 4, 2);
                    BinaryPrimitives.WriteUInt16LittleEndian(flags, (ushort)(BinaryPrimitives.ReadUInt16LittleEndian(flags) | VerFlagWeak));
                    return BinaryPrimitives.ReadUInt16LittleEndian(span.Slice((int)aux + 6));
                }
                aux += BinaryPrimitives.ReadUInt32LittleEndian(span.Slice((int)aux + 12));
            }
            if (next == 0) break;
            entry += next;
        }
        throw new InvalidDataException($"{fileName}: does not require {MissingVersion}; no patch is needed or possible.");
    }

    /// <summary>The linker may point another name into the tail of this string; renaming would corrupt it.</summary>
    static void EnsureNotShared(Span<byte> span, Section dynsym, Section dynstr, uint start, int length, string fileName)
    {
        int count = (int)(dynsym.Size / 24);
        for (int i = 1; i < count; i++)
        {
            uint other = BinaryPrimitives.ReadUInt32LittleEndian(span.Slice((int)dynsym.Offset + i * 24));
            if (other > start && other < start + length)
                throw new InvalidDataException($"{fileName}: the name '{MissingSymbol}' shares storage with another symbol; refusing to rename it.");
        }
    }

    static string ReadString(ReadOnlySpan<byte> span, long offset)
    {
        var rest = span.Slice((int)offset);
        int end = rest.IndexOf((byte)0);
        return Encoding.ASCII.GetString(end < 0 ? rest : rest[..end]);
    }

    static List<Section> ReadSections(ReadOnlySpan<byte> span, string fileName)
    {
        long shoff = BinaryPrimitives.ReadInt64LittleEndian(span.Slice(0x28));
        int shentsize = BinaryPrimitives.ReadUInt16LittleEndian(span.Slice(0x3A));
        int shnum = BinaryPrimitives.ReadUInt16LittleEndian(span.Slice(0x3C));
        if (shoff <= 0 || shentsize < 64 || shoff + (long)shnum * shentsize > span.Length)
            throw new InvalidDataException($"{fileName}: section header table missing or out of range.");
        var list = new List<Section>(shnum);
        for (int i = 0; i < shnum; i++)
        {
            var h = span.Slice((int)(shoff + (long)i * shentsize), shentsize);
            var s = new Section(
                Type: BinaryPrimitives.ReadUInt32LittleEndian(h.Slice(4)),
                Offset: BinaryPrimitives.ReadInt64LittleEndian(h.Slice(0x18)),
                Size: BinaryPrimitives.ReadInt64LittleEndian(h.Slice(0x20)),
                Link: BinaryPrimitives.ReadUInt32LittleEndian(h.Slice(0x28)),
                Info: BinaryPrimitives.ReadUInt32LittleEndian(h.Slice(0x2C)));
            if (s.Type != 8 /* NOBITS */ && s.Offset + s.Size > span.Length)
                throw new InvalidDataException($"{fileName}: section {i} lies past the end of the file.");
            list.Add(s);
        }
        return list;
    }

    sealed record Section(uint Type, long Offset, long Size, uint Link, uint Info);
}
