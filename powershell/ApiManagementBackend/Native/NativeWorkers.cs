using System;
using System.Collections.Concurrent;
using System.Threading;
using System.Threading.Tasks;

namespace ApiManagementBackend.Native
{
    /// <summary>
    /// Dedicated threads for blocking native calls, reused across records and invocations. The
    /// shared thread pool adds threads too slowly for blocking work on small machines, and a new
    /// thread per call costs more than the call's own overhead. Threads are created when every
    /// existing one is busy (at most <see cref="MaxThreads"/>) and then stay, idle, in the background.
    /// </summary>
    internal static class NativeWorkers
    {
        internal const int MaxThreads = 64;

        private static readonly BlockingCollection<Action> s_work = new BlockingCollection<Action>();
        private static int s_threads;
        private static int s_idle;

        internal static Task<T> Run<T>(Func<T> call)
        {
            var done = new TaskCompletionSource<T>(TaskCreationOptions.RunContinuationsAsynchronously);
            s_work.Add(() =>
            {
                try
                {
                    done.SetResult(call());
                }
                catch (Exception e)
                {
                    done.SetException(e);
                }
            });
            if (Volatile.Read(ref s_idle) == 0 && Volatile.Read(ref s_threads) < MaxThreads)
            {
                Interlocked.Increment(ref s_threads);
                new Thread(Work) { IsBackground = true, Name = "apimbackend-native" }.Start();
            }
            return done.Task;
        }

        private static void Work()
        {
            while (true)
            {
                Interlocked.Increment(ref s_idle);
                Action next = s_work.Take();
                Interlocked.Decrement(ref s_idle);
                next();
            }
        }
    }
}
