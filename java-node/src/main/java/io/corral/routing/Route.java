package io.corral.routing;
import io.corral.api.Term;
public record Route(String handlerName, Term options, String pathPattern, int line) {
    public boolean isJavaHandler() { return handlerName.contains("."); }
}
