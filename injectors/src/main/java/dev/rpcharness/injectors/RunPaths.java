package dev.rpcharness.injectors;

import org.apache.curator.utils.ZKPaths;

/**
 * The ZooKeeper nodes of one run, under {@code <base>/runs/<runId>}: {@code spec} (the {@link RunSpec}, persistent),
 * {@code members/<id>} (ephemeral: the injector is alive), {@code arrived/<id>} (ephemeral: it waits at the start
 * barrier), {@code finished/<id>} (persistent: its load is done), {@code conductor} (Curator's leader latch), {@code chaos/<index>} (persistent: the step's claim),
 * {@code clock/<id>} (its measured clock offset), {@code progress/<id>} (ephemeral: its latest {@link Progress}),
 * {@code abort} (persistent: the first {@link Abort} of the run, see {@link RunAbort}).
 */
record RunPaths(String run) {

    static RunPaths of(String basePath, String runId) {
        return new RunPaths(ZKPaths.makePath(basePath, "runs", runId));
    }

    String spec() {
        return ZKPaths.makePath(run, "spec");
    }

    String members() {
        return ZKPaths.makePath(run, "members");
    }

    String member(String id) {
        return ZKPaths.makePath(members(), id);
    }

    String arrived() {
        return ZKPaths.makePath(run, "arrived");
    }

    String finished() {
        return ZKPaths.makePath(run, "finished");
    }

    String conductor() {
        return ZKPaths.makePath(run, "conductor");
    }

    String chaos() {
        return ZKPaths.makePath(run, "chaos");
    }

    String chaosStep(int index) {
        return ZKPaths.makePath(chaos(), String.format("%06d", index));
    }

    String checks() {
        return ZKPaths.makePath(run, "checks");
    }

    String clock(String id) {
        return ZKPaths.makePath(run, "clock", id);
    }

    String progress() {
        return ZKPaths.makePath(run, "progress");
    }

    String progress(String id) {
        return ZKPaths.makePath(progress(), id);
    }

    String abort() {
        return ZKPaths.makePath(run, "abort");
    }
}
