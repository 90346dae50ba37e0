package dev.rpcharness.link.api;

/** A request the API refuses: the HTTP status and Toxiproxy's error text, sent as {"error":..., "status":...}. */
final class ApiError extends RuntimeException {

    private final int status;

    ApiError(int status, String message) {
        super(message);
        this.status = status;
    }

    int status() {
        return status;
    }
}
