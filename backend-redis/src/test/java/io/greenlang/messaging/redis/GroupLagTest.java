package io.greenlang.messaging.redis;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("Finding a group in an XINFO GROUPS reply")
class GroupLagTest {
    @Test
    @DisplayName("returns the fields of the group of that name, with names as strings")
    void findsTheGroupByName() {
        List<Object> reply = List.of(
                List.of(Keys.bytes("name"), Keys.bytes("other"), Keys.bytes("pending"), 7L),
                List.of(Keys.bytes("name"), Keys.bytes("g"), Keys.bytes("pending"), 2L, "lag", 5L));

        Map<String, Object> info = GroupLag.groupInfo(reply, "g");

        assertThat(info).containsEntry("pending", 2L).containsEntry("lag", 5L);
    }

    @Test
    @DisplayName("returns null when no group has that name, and skips what is not a group")
    void nullForAMissingGroup() {
        List<Object> reply = List.of("not a group", List.of(Keys.bytes("name"), Keys.bytes("other")));

        assertThat(GroupLag.groupInfo(reply, "g")).isNull();
        assertThat(GroupLag.groupInfo(List.of(), "g")).isNull();
    }
}
