package io.greenlang.messaging.spi.codec;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import io.greenlang.messaging.MessagingException;
import io.greenlang.messaging.PayloadDecodingException;
import java.io.IOException;
import java.util.List;

/** The configuration and error reporting the Jackson-based codecs share. */
final class JacksonSupport {
    /** Longest reason taken from a Jackson message; the rest is cut, so no payload is ever copied whole. */
    private static final int MAX_REASON = 300;

    private JacksonSupport() {
    }

    /**
     * Registers the Java time module, writes dates as ISO-8601 text, ignores unknown properties, and writes object
     * properties and map entries sorted by name: the canonical key order of the provenance hash, which can then
     * read the canonical form straight off the payload instead of parsing it into a tree and sorting it.
     */
    @SuppressWarnings("deprecation") // ObjectMapper.configure(MapperFeature...): the mapper is built elsewhere
    static ObjectMapper configure(ObjectMapper mapper) {
        mapper.registerModule(new JavaTimeModule());
        mapper.disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS);
        mapper.disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
        mapper.configure(MapperFeature.SORT_PROPERTIES_ALPHABETICALLY, true);
        mapper.configure(MapperFeature.SORT_CREATOR_PROPERTIES_FIRST, false); // records too
        mapper.enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS);
        return mapper;
    }

    /**
     * {@code value} written by {@code sorted}; by {@code unsorted} (the same mapper without
     * {@link SerializationFeature#ORDER_MAP_ENTRIES_BY_KEYS}) when a map's keys cannot be compared with each other,
     * such as a map holding both number and string keys, which Jackson sorts in a {@code TreeMap}.
     */
    static byte[] write(ObjectMapper sorted, ObjectMapper unsorted, Object value) throws IOException {
        try {
            return sorted.writeValueAsBytes(value);
        } catch (JsonMappingException e) {
            for (Throwable t = e; t != null; t = t.getCause()) {
                if (t instanceof ClassCastException) {
                    return unsorted.writeValueAsBytes(value);
                }
            }
            throw e;
        }
    }

    static MessagingException encodeFailure(Object value, String contentType, Exception e) {
        return new MessagingException("Cannot encode a " + value.getClass().getTypeName() + " as " + contentType
                + ": " + reason(e) + ". Make it a record, a POJO with getters, a Map, a List or a scalar, or "
                + "annotate it for Jackson.", e);
    }

    static PayloadDecodingException emptyPayload(String contentType, String format, Class<?> type) {
        return new PayloadDecodingException("Cannot decode an empty payload (content type " + contentType
                + ") as " + type.getTypeName() + ": an empty payload is not valid " + format
                + ". The producer must publish "
                + "a " + format + " document (encode null for no value) or use content type "
                + "application/octet-stream.");
    }

    static PayloadDecodingException decodeFailure(String contentType, int size, Class<?> type, String reason,
            Throwable cause) {
        return new PayloadDecodingException("Cannot decode a payload of " + size + " bytes (content type "
                + contentType + ") as " + type.getTypeName() + ": " + reason, cause);
    }

    /** Jackson's short reason, with the JSON path and line/column when known, never the whole payload. */
    static String reason(Throwable e) {
        String original = e instanceof JsonProcessingException
                ? ((JsonProcessingException) e).getOriginalMessage()
                : e.getMessage();
        StringBuilder sb = new StringBuilder(original == null ? e.getClass().getSimpleName() : original);
        if (sb.length() > MAX_REASON) {
            sb.setLength(MAX_REASON);
            sb.append("...");
        }
        if (e instanceof JsonMappingException) {
            List<JsonMappingException.Reference> path = ((JsonMappingException) e).getPath();
            if (!path.isEmpty()) {
                sb.append(" at $");
                for (JsonMappingException.Reference ref : path) {
                    if (ref.getFieldName() != null) {
                        sb.append('.').append(ref.getFieldName());
                    } else if (ref.getIndex() >= 0) {
                        sb.append('[').append(ref.getIndex()).append(']');
                    }
                }
            }
        }
        if (e instanceof JsonProcessingException) {
            JsonLocation loc = ((JsonProcessingException) e).getLocation();
            if (loc != null && loc.getLineNr() > 0) {
                sb.append(" (line ").append(loc.getLineNr()).append(", column ").append(loc.getColumnNr())
                        .append(')');
            }
        }
        return sb.toString();
    }
}
