package io.corral.compat;

import io.corral.compat.catalogue.Flavour;

/** The catalogue against Java 1.x handlers (WebSocketHandler1). */
class JavaOneHandlerCompatTest extends CompatCatalogueTest {
    @Override
    protected Flavour flavour() {
        return Flavour.JAVA1;
    }
}
