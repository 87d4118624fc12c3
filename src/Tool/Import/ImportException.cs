using System;

namespace StaticNet.Tool.Import;

/// <summary>
/// A model the import cannot turn into a declaration, or a file it cannot read: the message names the
/// file, and the node, operator and attribute at fault, and says what is supported. The command prints
/// it alone, without a stack trace, and exits with a non-zero code.
/// </summary>
internal sealed class ImportException(string message) : Exception(message);
