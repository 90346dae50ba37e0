package dev.rpcharness.scenarios.soak;

/**
 * What a soak watches, at one moment of the run.
 *
 * @param elapsedMillis since the sampler started
 * @param heapAfterGcBytes heap in use right after a full collection
 * @param threads live threads of the JVM
 * @param openFileDescriptors open descriptors of the process, -1 where the platform does not tell
 * @param pendingCalls calls of the load's client still waiting for their end
 */
public record ResourceSample(long elapsedMillis, long heapAfterGcBytes, int threads, long openFileDescriptors,
                             int pendingCalls) {

    static final String CSV_HEADER = "elapsedMs,heapAfterGcBytes,threads,openFileDescriptors,pendingCalls";

    String csv() {
        return elapsedMillis + "," + heapAfterGcBytes + "," + threads + "," + openFileDescriptors + ","
                + pendingCalls;
    }

    @Override
    public String toString() {
        return "t=" + elapsedMillis / 1000 + "s heap=" + heapAfterGcBytes / (1024 * 1024) + "MiB threads=" + threads
                + " fds=" + openFileDescriptors + " pending=" + pendingCalls;
    }
}
