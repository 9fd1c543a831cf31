package io.corral.compat;

import io.corral.compat.catalogue.Flavour;

/** The catalogue against Erlang Cowboy 2.5+ command modules. */
class ErlangCommandModuleCompatTest extends CompatCatalogueTest {
    @Override
    protected Flavour flavour() {
        return Flavour.ERL25;
    }
}
