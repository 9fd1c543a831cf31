package io.corral.compat;

import io.corral.compat.catalogue.Flavour;

/** The catalogue against Java 2.x handlers (WebSocketHandler). */
class JavaTwoHandlerCompatTest extends CompatCatalogueTest {
    @Override
    protected Flavour flavour() {
        return Flavour.JAVA2;
    }
}
