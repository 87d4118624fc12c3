using System;
using System.Collections.Generic;
using StaticNet.Tool.Onnx;

namespace StaticNet.Tool.Import;

/// <summary>
/// The nodes that contribute to the graph's output (the others are left out: they change nothing the
/// network computes), in file order, with who produces and who reads each value.
/// </summary>
internal sealed class GraphIndex
{
    private static readonly IReadOnlyList<OnnxNode> None = Array.Empty<OnnxNode>();

    private readonly Dictionary<string, OnnxNode> _producers = new(StringComparer.Ordinal);
    private readonly Dictionary<string, List<OnnxNode>> _consumers = new(StringComparer.Ordinal);
    private readonly Dictionary<OnnxNode, int> _order = new(ReferenceEqualityComparer.Instance);

    /// <param name="graph">The graph.</param>
    /// <param name="known">The values that exist before any node runs: the network input and the initializers.</param>
    /// <param name="reader">Words the errors.</param>
    public GraphIndex(OnnxGraph graph, ISet<string> known, NodeReader reader)
    {
        foreach (OnnxNode node in graph.Nodes)
        {
            foreach (string input in node.Inputs)
            {
                if (input.Length > 0 && !known.Contains(input) && !_producers.ContainsKey(input))
                {
                    throw reader.Node(node, $"reads '{input}', which neither the graph's input, an initializer nor an earlier node gives (ONNX lists nodes so that each reads only values computed before it; the file is damaged)");
                }
            }

            foreach (string output in node.Outputs)
            {
                if (output.Length > 0 && (known.Contains(output) || !_producers.TryAdd(output, node)))
                {
                    throw reader.Node(node, $"writes '{output}', which another node or an initializer already defines (each ONNX value is defined once; the file is damaged)");
                }
            }
        }

        Output = graph.Outputs[0].Name;
        var live = new HashSet<OnnxNode>(ReferenceEqualityComparer.Instance);
        var pending = new Stack<string>();
        pending.Push(Output);
        while (pending.Count > 0)
        {
            if (_producers.TryGetValue(pending.Pop(), out OnnxNode? node) && live.Add(node))
            {
                foreach (string input in node.Inputs)
                {
                    if (input.Length > 0)
                    {
                        pending.Push(input);
                    }
                }
            }
        }

        var nodes = new List<OnnxNode>();
        foreach (OnnxNode node in graph.Nodes)
        {
            if (!live.Contains(node))
            {
                continue;
            }

            _order[node] = nodes.Count;
            nodes.Add(node);
            foreach (string input in node.Inputs)
            {
                if (input.Length == 0)
                {
                    continue;
                }

                if (!_consumers.TryGetValue(input, out List<OnnxNode>? readers))
                {
                    _consumers[input] = readers = new List<OnnxNode>();
                }

                if (!readers.Contains(node))
                {
                    readers.Add(node);
                }
            }
        }

        Nodes = nodes;
    }

    /// <summary>The nodes the output depends on, in file order.</summary>
    public IReadOnlyList<OnnxNode> Nodes { get; }

    /// <summary>The name of the graph's output value.</summary>
    public string Output { get; }

    public int IndexOf(OnnxNode node) => _order[node];

    /// <summary>The node that computes <paramref name="value"/>, or null for the input, an initializer or an omitted input.</summary>
    public OnnxNode? Producer(string value) => _producers.TryGetValue(value, out OnnxNode? node) ? node : null;

    /// <summary>The nodes that read <paramref name="value"/>, each once.</summary>
    public IReadOnlyList<OnnxNode> Consumers(string value) => _consumers.TryGetValue(value, out List<OnnxNode>? readers) ? readers : None;

    /// <summary>Whether anything reads <paramref name="value"/>: a node, or the graph as its output.</summary>
    public bool IsUsed(string value) => value.Length > 0 && (value == Output || Consumers(value).Count > 0);

    /// <summary>The one node that reads <paramref name="value"/>, when it is not also the graph's output; null otherwise.</summary>
    public OnnxNode? OnlyConsumer(string value) => value != Output && Consumers(value) is [OnnxNode node] ? node : null;
}
