package dev.rpcharness.consumer.policy;

/** Echoes its key; every method alike. */
public final class PolicyServiceImpl implements PolicyService {
    @Override
    public String read(String key) {
        return key;
    }

    @Override
    public String write(String key) {
        return key;
    }

    @Override
    public String poll(String key) {
        return key;
    }

    @Override
    public String hedged(String key) {
        return key;
    }

    @Override
    public String plain(String key) {
        return key;
    }
}
