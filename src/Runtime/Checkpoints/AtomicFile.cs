using System;
using System.IO;

namespace StaticNet;

/// <summary>
/// Writes files so that a crash mid-write never leaves a half-written file in place: the content
/// goes to a temporary file in the same folder (<c>.NAME.xxxxxxxx.tmp</c>), is flushed to disk, and is
/// renamed over the target in one step. Until the rename, the previous file is untouched. A save also
/// removes the temporary files that earlier saves of the same target left behind when their process
/// was killed.
/// </summary>
public static class AtomicFile
{
    // A temporary file younger than this is never removed: it may belong to a writer that has created
    // it and not yet locked it (the two are separate system calls).
    private static readonly TimeSpan YoungestStale = TimeSpan.FromSeconds(2);

    /// <summary>Writes <paramref name="path"/> through <paramref name="write"/>, atomically.</summary>
    public static void Write(string path, Action<Stream> write)
    {
        string fullPath = Path.GetFullPath(path);
        string directory = Path.GetDirectoryName(fullPath) ?? ".";
        Directory.CreateDirectory(directory);
        RemoveStaleTemporaries(directory, Path.GetFileName(fullPath));
        string temporary = Path.Combine(directory, TemporaryPrefix(Path.GetFileName(fullPath)) + Guid.NewGuid().ToString("N").Substring(0, 8) + ".tmp");
        try
        {
            // FileShare.None locks the file for as long as it is open (on Unix, an flock that the kernel
            // drops when the process dies): that lock is how a later save tells a live writer's file from
            // one a killed process left.
            using (var stream = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16))
            {
                write(stream);
                stream.Flush(flushToDisk: true);
            }

            File.Move(temporary, fullPath, overwrite: true);
        }
        catch
        {
            TryDelete(temporary);
            throw;
        }
    }

    private static string TemporaryPrefix(string fileName) => "." + fileName + ".";

    /// <summary>
    /// Deletes this target's temporary files that no process is writing. Only names of the form
    /// <c>.NAME.xxxxxxxx.tmp</c> (8 hex digits) are considered, so no other target's files and no
    /// user's files are touched. A file is stale when its lock can be taken: a writer holds it until it
    /// renames the file, and a killed writer's lock is released by the system. Locks, rather than a
    /// process id in the name, because a process id can be reused by an unrelated process and tells
    /// nothing across machines sharing a folder.
    /// </summary>
    internal static void RemoveStaleTemporaries(string directory, string fileName)
    {
        string prefix = TemporaryPrefix(fileName);
        string[] candidates;
        try
        {
            candidates = Directory.GetFiles(directory, prefix + "????????.tmp");
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            return;
        }

        foreach (string candidate in candidates)
        {
            string name = Path.GetFileName(candidate);
            if (name.Length != prefix.Length + 12 || !name.StartsWith(prefix, StringComparison.Ordinal) || !IsHex(name.AsSpan(prefix.Length, 8)))
            {
                continue;
            }

            try
            {
                if (DateTime.UtcNow - File.GetLastWriteTimeUtc(candidate) < YoungestStale)
                {
                    continue;
                }

                // Taking the lock fails while a writer holds it; DeleteOnClose removes the file when the lock is released.
                using var stale = new FileStream(candidate, FileMode.Open, FileAccess.ReadWrite, FileShare.None, 1, FileOptions.DeleteOnClose);
            }
            catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
            {
                // Held by a live writer, or already gone: leave it.
            }
        }
    }

    private static bool IsHex(ReadOnlySpan<char> text)
    {
        foreach (char c in text)
        {
            if (c is not ((>= '0' and <= '9') or (>= 'a' and <= 'f')))
            {
                return false;
            }
        }

        return true;
    }

    private static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (IOException)
        {
            // The original failure matters more than a leftover temporary file.
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}
