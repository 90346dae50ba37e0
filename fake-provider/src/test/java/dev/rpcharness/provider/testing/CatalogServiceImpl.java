package dev.rpcharness.provider.testing;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

public final class CatalogServiceImpl implements CatalogService {

    public final AtomicInteger touches = new AtomicInteger();
    /** Opened by the test to release {@link #gate} calls. */
    public final CountDownLatch gate = new CountDownLatch(1);

    @Override
    public String hello(String name) {
        return "Hello " + name;
    }

    @Override
    public int add(int a, long b) {
        return (int) (a + b);
    }

    @Override
    public Item item(String name, int quantity) {
        return new Item(name, quantity);
    }

    @Override
    public int totalQuantity(List<Item> items) {
        return items.stream().mapToInt(Item::quantity).sum();
    }

    @Override
    public Order order(Order order) {
        Order copy = new Order();
        copy.setCustomer(order.getCustomer().toUpperCase());
        copy.setItems(order.getItems());
        return copy;
    }

    @Override
    public Map<String, Integer> counts(List<String> words) {
        Map<String, Integer> m = new TreeMap<>();
        words.forEach(w -> m.merge(w, 1, Integer::sum));
        return m;
    }

    @Override
    public void touch() {
        touches.incrementAndGet();
    }

    @Override
    public String fail(String message) {
        throw new IllegalStateException(message);
    }

    @Override
    public String gate(String name) throws InterruptedException {
        if (!gate.await(10, TimeUnit.SECONDS)) {
            throw new IllegalStateException("gate " + name + " never opened");
        }
        return "opened " + name;
    }
}
