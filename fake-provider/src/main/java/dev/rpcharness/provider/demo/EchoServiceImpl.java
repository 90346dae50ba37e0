package dev.rpcharness.provider.demo;

/** Answers its argument unchanged. */
public final class EchoServiceImpl implements EchoService {
    @Override
    public String echo(String text) {
        return text;
    }
}
