using System;
using System.Collections.Generic;
using System.Text;
using Microsoft.CodeAnalysis;
using Xunit;

namespace StaticNet.Generator.Tests;

/// <summary>
/// The diagnostics of <c>[Network(Weights = "...")]</c>: each on the argument that names the file,
/// saying what was expected and what was found.
/// </summary>
public sealed partial class DiagnosticTests
{
    private const string WeightsArgument = "Weights = \"small.safetensors\"";

    [Fact]
    public void SN0030_weights_file_not_among_the_additional_files()
    {
        AssertSingleError(
            WeightsFiles.Run(WeightsFiles.Small, WeightsFiles.Encoded(WeightsFiles.SmallFile(), "other.safetensors", "/p/obj/staticnet/0/other.safetensors.base64")),
            "SN0030",
            WeightsArgument,
            "Network 'Small': Weights names 'small.safetensors', but no AdditionalFiles item is that file (the .safetensors files it lists are 'other.safetensors'); add <AdditionalFiles Include=\"small.safetensors\" /> to the project, and name the file by its file name or its path relative to the project");
    }

    [Fact]
    public void SN0030_weights_file_when_the_project_lists_none()
    {
        AssertSingleError(
            WeightsFiles.Run(WeightsFiles.Small),
            "SN0030",
            WeightsArgument,
            "Network 'Small': Weights names 'small.safetensors', but no AdditionalFiles item is that file (the project lists no .safetensors files); add <AdditionalFiles Include=\"small.safetensors\" /> to the project, and name the file by its file name or its path relative to the project");
    }

    [Fact]
    public void SN0030_weights_file_name_empty()
    {
        AssertSingleError(
            WeightsFiles.Run(WeightsFiles.Small.Replace("\"small.safetensors\"", "\"\""), WeightsFiles.Encoded(WeightsFiles.SmallFile())),
            "SN0030",
            "Weights = \"\"",
            "Network 'Small': Weights names '', but no AdditionalFiles item is that file (the .safetensors files it lists are 'small.safetensors'); add <AdditionalFiles Include=\"\" /> to the project, and name the file by its file name or its path relative to the project");
    }

    [Fact]
    public void SN0031_weights_file_without_the_build_step()
    {
        // Without StaticNet.EmbeddedWeights.targets the compiler hands over the raw file, as text (or not at all, CS2015).
        AssertSingleError(
            WeightsFiles.Run(WeightsFiles.Small, new InMemoryText("/p/small.safetensors", Encoding.Latin1.GetString(WeightsFiles.SmallFile()))),
            "SN0031",
            WeightsArgument,
            "Network 'Small': 'small.safetensors' reached the generator as the compiler reads additional files, as text, which cannot carry a binary file's bytes; import StaticNet.EmbeddedWeights.targets in the project (<Import Project=\"...StaticNet.EmbeddedWeights.targets\" />), which hands .safetensors files to the generator as base64");
    }

    [Fact]
    public void SN0032_weights_file_name_matches_several_files()
    {
        AssertSingleError(
            WeightsFiles.Run(
                WeightsFiles.Small,
                WeightsFiles.Encoded(WeightsFiles.SmallFile(), "a/small.safetensors", "/p/obj/staticnet/0/small.safetensors.base64"),
                WeightsFiles.Encoded(WeightsFiles.SmallFile(), "b/small.safetensors", "/p/obj/staticnet/1/small.safetensors.base64")),
            "SN0032",
            WeightsArgument,
            "Network 'Small': Weights names 'small.safetensors', which matches 2 AdditionalFiles items ('a/small.safetensors', 'b/small.safetensors'); name it by its path relative to the project");
    }

    [Theory]
    [InlineData("truncated data", "tensor 'fc1.bias' has data_offsets [0, 12], outside the data section of 11 bytes; the file is truncated or corrupt")]
    [InlineData("truncated header", "its header length says 744 bytes, but only 56 follow; the file is truncated or not a safetensors file")]
    [InlineData("short", "it is 5 bytes long, too short for the 8-byte header length; the file is truncated or not a safetensors file")]
    [InlineData("trailing bytes", "its tensors' data ends at byte 12 of the data section, but 4 more bytes follow; the file has trailing bytes")]
    [InlineData("gap", "the data section has 4 unclaimed bytes between the start of the data section (ending at byte 0) and tensor 'fc1.bias' (starting at byte 4)")]
    [InlineData("overlap", "the data of tensor 'b' (bytes 0 to 4) overlaps that of tensor 'a', which ends at byte 4")]
    [InlineData("size", "tensor 'fc1.bias' of dtype F32 and shape [3] needs 12 bytes, but its data_offsets [0, 8] span 8")]
    [InlineData("json", "the header JSON expects ':' at character 5, but finds '{'")]
    [InlineData("two values", "the header JSON expects the end of the header after its JSON object at character 17, but finds '}'")]
    [InlineData("duplicate", "the header JSON expects keys to be unique, but \"a\" appears twice (at character 54)")]
    [InlineData("trailing comma", "the header JSON expects a key in double quotes at character 54, but finds '}'")]
    [InlineData("unknown key", "the entry of tensor 'a' has the key 'offsets'; a tensor entry has dtype, shape and data_offsets only")]
    [InlineData("unknown dtype", "tensor 'a' has dtype the string \"F31\", which is not a safetensors dtype (F32, F16, BF16, F64, I64, ...)")]
    [InlineData("not utf-8", "its header is not valid UTF-8; the file is corrupt or not a safetensors file")]
    [InlineData("metadata", "its __metadata__ entry 'epoch' is the number 3, not a string")]
    [InlineData("base64", "its encoded copy /project/obj/staticnet/0/small.safetensors.base64 is not valid base64")]
    public void SN0033_weights_file_corrupt(string damage, string problem)
    {
        byte[] bias = WeightsFiles.LittleEndian(new[] { 1f, 2f, 3f });
        byte[] file = damage switch
        {
            "truncated data" => WeightsFiles.Assemble("{\"fc1.bias\":{\"dtype\":\"F32\",\"shape\":[3],\"data_offsets\":[0,12]}}", bias[..11]),
            "truncated header" => WeightsFiles.SmallFile()[..64],
            "short" => new byte[] { 1, 2, 3, 4, 5 },
            "trailing bytes" => WeightsFiles.Assemble("{\"fc1.bias\":{\"dtype\":\"F32\",\"shape\":[3],\"data_offsets\":[0,12]}}", [.. bias, 0, 0, 0, 0]),
            "gap" => WeightsFiles.Assemble("{\"fc1.bias\":{\"dtype\":\"F32\",\"shape\":[3],\"data_offsets\":[4,16]}}", [0, 0, 0, 0, .. bias]),
            "overlap" => WeightsFiles.Assemble("{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]},\"b\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}}", bias[..4]),
            "size" => WeightsFiles.Assemble("{\"fc1.bias\":{\"dtype\":\"F32\",\"shape\":[3],\"data_offsets\":[0,8]}}", bias[..8]),
            "json" => WeightsFiles.Assemble("{\"a\" {}}", []),
            "two values" => WeightsFiles.Assemble("{\"a\":{\"dtype\":1}}}", []),
            "duplicate" => WeightsFiles.Assemble("{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]},\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[4,8]}}", [.. bias[..4], .. bias[..4]]),
            "trailing comma" => WeightsFiles.Assemble("{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]},}", bias[..4]),
            "unknown key" => WeightsFiles.Assemble("{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"offsets\":[0,4]}}", bias[..4]),
            "unknown dtype" => WeightsFiles.Assemble("{\"a\":{\"dtype\":\"F31\",\"shape\":[1],\"data_offsets\":[0,4]}}", bias[..4]),
            "not utf-8" => NotUtf8(),
            "metadata" => WeightsFiles.Assemble("{\"__metadata__\":{\"epoch\":3}}", []),
            _ => WeightsFiles.SmallFile(),
        };

        AdditionalText text = damage == "base64"
            ? new InMemoryText("/project/obj/staticnet/0/small.safetensors.base64", "staticnet-safetensors-base64 small.safetensors\n@@not base64@@\n")
            : WeightsFiles.Encoded(file);
        AssertSingleError(WeightsFiles.Run(WeightsFiles.Small, text), "SN0033", WeightsArgument, "Network 'Small': 'small.safetensors' is not a valid safetensors file: " + problem);

        static byte[] NotUtf8()
        {
            byte[] file = WeightsFiles.Assemble("{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}}", [0, 0, 0, 0]);
            file[10] = 0xFF;
            return file;
        }
    }

    [Fact]
    public void SN0034_weights_checksum_mismatch()
    {
        byte[] file = WeightsFiles.SmallFile();
        string before = Hash(file);
        file[^1] ^= 0x01; // One bit of the last value flipped after the checksum was written.
        AssertSingleError(
            WeightsFiles.Run(WeightsFiles.Small, WeightsFiles.Encoded(file)),
            "SN0034",
            WeightsArgument,
            $"Network 'Small': 'small.safetensors' is damaged: staticnet.sha256 in its metadata is {before}, but its data hashes to {Hash(file)}; nothing was embedded, save or copy the file again");

        static string Hash(byte[] file)
        {
            int dataStart = 8 + (int)BitConverter.ToUInt64(file, 0);
            return Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(file.AsSpan(dataStart))).ToLowerInvariant();
        }
    }

    [Fact]
    public void SN0035_weights_file_lacks_tensors()
    {
        List<(string Name, string Dtype, int[] Shape, byte[] Data)> entries = WeightsFiles.SmallEntries();
        entries.RemoveAll(e => e.Name is "bn1.running_var" or "fc1.bias");
        AssertSingleError(
            WeightsFiles.Run(WeightsFiles.Small, WeightsFiles.Encoded(WeightsFiles.Build(entries, checksum: true))),
            "SN0035",
            WeightsArgument,
            "Network 'Small': 'small.safetensors' lacks 2 of the network's tensors: bn1.running_var [2], fc1.bias [3]");
    }

    [Fact]
    public void SN0036_weights_file_has_extra_tensors()
    {
        List<(string Name, string Dtype, int[] Shape, byte[] Data)> entries = WeightsFiles.SmallEntries();
        entries.Add(("fc2.weight", "F32", new[] { 1, 3 }, WeightsFiles.LittleEndian(new[] { 1f, 2f, 3f })));
        entries.Add(("fc2.bias", "F16", new[] { 1 }, new byte[2]));
        AssertSingleError(
            WeightsFiles.Run(WeightsFiles.Small, WeightsFiles.Encoded(WeightsFiles.Build(entries, checksum: true))),
            "SN0036",
            WeightsArgument,
            "Network 'Small': 'small.safetensors' holds 2 tensors the network does not have: fc2.bias [1], fc2.weight [1, 3]");
    }

    [Fact]
    public void SN0037_weights_tensor_has_the_wrong_shape()
    {
        List<(string Name, string Dtype, int[] Shape, byte[] Data)> entries = WeightsFiles.SmallEntries();
        entries[7] = ("fc1.weight", "F32", new[] { 32, 3 }, entries[7].Data);
        AssertSingleError(
            WeightsFiles.Run(WeightsFiles.Small, WeightsFiles.Encoded(WeightsFiles.Build(entries, checksum: true))),
            "SN0037",
            WeightsArgument,
            "Network 'Small': tensor 'fc1.weight' in 'small.safetensors' has shape [32, 3], but the network expects [3, 32]");
    }

    [Fact]
    public void SN0038_weights_tensor_is_not_float32()
    {
        List<(string Name, string Dtype, int[] Shape, byte[] Data)> entries = WeightsFiles.SmallEntries();
        entries[6] = ("bn1.num_batches_tracked", "I64", Array.Empty<int>(), new byte[8]);
        AssertSingleError(
            WeightsFiles.Run(WeightsFiles.Small, WeightsFiles.Encoded(WeightsFiles.Build(entries, checksum: true))),
            "SN0038",
            WeightsArgument,
            "Network 'Small': tensor 'bn1.num_batches_tracked' in 'small.safetensors' has dtype I64, but the network embeds F32 (float32) tensors; save it as float32 (tensor.float())");
    }
}
