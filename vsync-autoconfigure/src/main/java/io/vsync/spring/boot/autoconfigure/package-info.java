/**
 * Spring Boot auto-configuration of Vsync: the engine bean and its lifecycle, one bean per
 * configured group, the Jackson payload codec and the processing of the annotations in
 * {@code io.vsync.spring.annotation}.
 */
@NullMarked
package io.vsync.spring.boot.autoconfigure;

import org.jspecify.annotations.NullMarked;
