using System;
using System.Runtime.InteropServices;
using System.Text;

namespace StaticNet;

/// <summary>
/// The few MPI calls data-parallel training needs, bound to Open MPI's libmpi at run time (Debian:
/// <c>openmpi-bin</c> and <c>libopenmpi-dev</c>). Open MPI's handles (<c>MPI_COMM_WORLD</c>,
/// <c>MPI_FLOAT</c>, <c>MPI_SUM</c>) are the addresses of its predefined objects, exported by name, and
/// <c>MPI_IN_PLACE</c> is the address 1. Bound by hand rather than through a binding package: eight
/// calls, no dependency, and nothing that NativeAOT or trimming cannot see.
/// </summary>
internal static unsafe class Mpi
{
    private const string Library = "libmpi.so.40";

    private static readonly Lazy<Api> Loaded = new(Load);

    public static Api Calls => Loaded.Value;

    private static Api Load()
    {
        if (!NativeLibrary.TryLoad(Library, typeof(Mpi).Assembly, DllImportSearchPath.SafeDirectories, out nint library) && !NativeLibrary.TryLoad(Library, out library))
        {
            throw new DllNotFoundException($"Data-parallel training needs Open MPI's {Library}, which is not installed: run 'sudo apt-get install openmpi-bin libopenmpi-dev' (Debian), and start the program with mpirun.");
        }

        return new Api(library);
    }

    /// <summary>The bound functions and handles.</summary>
    internal sealed class Api
    {
        private readonly delegate* unmanaged<int*, byte***, int> _init;
        private readonly delegate* unmanaged<int*, int> _initialized;
        private readonly delegate* unmanaged<int> _finalize;
        private readonly delegate* unmanaged<nint, int*, int> _rank;
        private readonly delegate* unmanaged<nint, int*, int> _size;
        private readonly delegate* unmanaged<void*, void*, int, nint, nint, nint, int> _allreduce;
        private readonly delegate* unmanaged<void*, int, nint, int, nint, int> _broadcast;
        private readonly delegate* unmanaged<int, byte*, int*, int> _errorString;

        public Api(nint library)
        {
            nint Export(string name) => NativeLibrary.GetExport(library, name);
            _init = (delegate* unmanaged<int*, byte***, int>)Export("MPI_Init");
            _initialized = (delegate* unmanaged<int*, int>)Export("MPI_Initialized");
            _finalize = (delegate* unmanaged<int>)Export("MPI_Finalize");
            _rank = (delegate* unmanaged<nint, int*, int>)Export("MPI_Comm_rank");
            _size = (delegate* unmanaged<nint, int*, int>)Export("MPI_Comm_size");
            _allreduce = (delegate* unmanaged<void*, void*, int, nint, nint, nint, int>)Export("MPI_Allreduce");
            _broadcast = (delegate* unmanaged<void*, int, nint, int, nint, int>)Export("MPI_Bcast");
            _errorString = (delegate* unmanaged<int, byte*, int*, int>)Export("MPI_Error_string");
            World = Export("ompi_mpi_comm_world");
            Float = Export("ompi_mpi_float");
            Double = Export("ompi_mpi_double");
            Sum = Export("ompi_mpi_op_sum");
        }

        public nint World { get; }

        public nint Float { get; }

        public nint Double { get; }

        public nint Sum { get; }

        public void Init()
        {
            int initialized;
            Check(_initialized(&initialized), "MPI_Initialized");
            if (initialized == 0)
            {
                Check(_init(null, null), "MPI_Init");
            }
        }

        public void FinalizeMpi() => Check(_finalize(), "MPI_Finalize");

        public int Rank()
        {
            int rank;
            Check(_rank(World, &rank), "MPI_Comm_rank");
            return rank;
        }

        public int Size()
        {
            int size;
            Check(_size(World, &size), "MPI_Comm_size");
            return size;
        }

        public void AllReduceSum(Span<float> values)
        {
            fixed (float* p = values)
            {
                Check(_allreduce((void*)1, p, values.Length, Float, Sum, World), "MPI_Allreduce");
            }
        }

        public void AllReduceSum(Span<double> values)
        {
            fixed (double* p = values)
            {
                Check(_allreduce((void*)1, p, values.Length, Double, Sum, World), "MPI_Allreduce");
            }
        }

        public void Broadcast(Span<float> values, int root)
        {
            fixed (float* p = values)
            {
                Check(_broadcast(p, values.Length, Float, root, World), "MPI_Bcast");
            }
        }

        private void Check(int code, string call)
        {
            if (code == 0)
            {
                return;
            }

            byte* text = stackalloc byte[512];
            int length = 0;
            string message = _errorString(code, text, &length) == 0 ? Encoding.ASCII.GetString(text, Math.Clamp(length, 0, 512)) : "error " + code;
            throw new InvalidOperationException($"{call} failed: {message}.");
        }
    }
}
