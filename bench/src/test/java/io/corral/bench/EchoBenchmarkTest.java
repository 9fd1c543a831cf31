package io.corral.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class EchoBenchmarkTest {

    @Test
    void medianOfAnOddCountIsTheMiddleValue() {
        assertEquals(3.0, EchoBenchmark.median(List.of(5.0, 1.0, 3.0)), "sorted: 1, 3, 5");
    }

    @Test
    void medianOfAnEvenCountIsTheMeanOfTheMiddleTwo() {
        assertEquals(2.5, EchoBenchmark.median(List.of(4.0, 1.0, 2.0, 3.0)), "sorted: 1, 2, 3, 4");
    }

    @Test
    void medianOfNothingIsNotANumber() {
        assertTrue(Double.isNaN(EchoBenchmark.median(List.of())), "no rounds ran: no median to compare");
    }
}
