using System.Runtime.InteropServices;

namespace Parley.Bench;

/// <summary>Raises this process's open-file limit (children inherit it) so thousands of sockets fit.</summary>
public static partial class ResourceLimits
{
    private const int RlimitNofile = 7;

    [StructLayout(LayoutKind.Sequential)]
    private struct RLimit
    {
        public ulong Current;
        public ulong Max;
    }

    [LibraryImport("libc", EntryPoint = "setrlimit", SetLastError = true)]
    private static partial int SetRLimit(int resource, ref RLimit limit);

    [LibraryImport("libc", EntryPoint = "getrlimit", SetLastError = true)]
    private static partial int GetRLimit(int resource, out RLimit limit);

    public static void RaiseOpenFiles(ulong wanted)
    {
        if (!OperatingSystem.IsLinux() || GetRLimit(RlimitNofile, out var limit) != 0 || limit.Current >= wanted) return;
        var raised = new RLimit { Current = wanted, Max = Math.Max(wanted, limit.Max) };
        if (SetRLimit(RlimitNofile, ref raised) != 0)
        {
            raised = new RLimit { Current = limit.Max, Max = limit.Max };
            SetRLimit(RlimitNofile, ref raised);
        }
    }
}
