package dev.rpcharness.provider.demo;

/** The demo interface the stand-alone provider serves by default. */
public interface EchoService {
    String echo(String text);
}
