package dev.rpcharness.consumer;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The implementation the consumer's test peers serve. */
public class HelloServiceImpl implements HelloService {

    @Override
    public String hello(String name) {
        return "Hello " + name;
    }

    @Override
    public int add(int a, int b) {
        return a + b;
    }

    @Override
    public long sum(List<Long> values) {
        return values.stream().mapToLong(Long::longValue).sum();
    }

    @Override
    public void ping() {
    }

    @Override
    public Item item(String name, int quantity) {
        return new Item(name, quantity);
    }

    @Override
    public Point mirror(Point point) {
        return new Point(point.y(), point.x());
    }

    @Override
    public List<Item> items(int count) {
        List<Item> items = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            items.add(new Item("item-" + i, i));
        }
        return items;
    }

    @Override
    public Map<String, List<Point>> grid(int size) {
        Map<String, List<Point>> grid = new LinkedHashMap<>();
        for (int row = 0; row < size; row++) {
            List<Point> points = new ArrayList<>();
            for (int col = 0; col < size; col++) {
                points.add(new Point(row, col));
            }
            grid.put("row-" + row, points);
        }
        return grid;
    }

    @Override
    public String maybeNull(String value) {
        return value;
    }

    @Override
    public String fail(String message) {
        throw new IllegalStateException(message);
    }

    @Override
    public String slow(String value, long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return value;
    }

    @Override
    public boolean flag(boolean value) {
        return !value;
    }
}
