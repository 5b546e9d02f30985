package io.greenlang.messaging.architecture;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.methods;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.domain.JavaModifier;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The module rules of DESIGN.md, checked on the compiled main classes of every module. */
class ArchitectureTest {
    private static final String API = "io.greenlang.messaging";
    private static final List<String> BACKENDS = List.of(
            "io.greenlang.messaging.memory..", "io.greenlang.messaging.redis..", "io.greenlang.messaging.kafka..");
    private static final String[] THIRD_PARTY = {
        "io.lettuce..", "org.apache.kafka..", "com.fasterxml.jackson..", "io.micrometer..", "org.msgpack..", "io.netty.."
    };

    private static JavaClasses classes;

    @BeforeAll
    static void importClasses() {
        classes = new ClassFileImporter()
                .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("io.greenlang.messaging");
    }

    @Test
    @DisplayName("api depends on the JDK only")
    void apiDependsOnTheJdkOnly() {
        classes().that().resideInAPackage(API)
                .should().onlyDependOnClassesThat().resideInAnyPackage(API, "java..")
                .check(classes);
    }

    @Test
    @DisplayName("no Lettuce, Kafka, Jackson or Micrometer type appears in a public api signature")
    void noThirdPartyTypesInPublicApiSignatures() {
        DescribedPredicate<JavaClass> thirdParty = JavaClass.Predicates.resideInAnyPackage(THIRD_PARTY);
        methods().that().areDeclaredInClassesThat().resideInAPackage(API).and().arePublic()
                .should().notHaveRawReturnType(thirdParty)
                .andShould().notHaveRawParameterTypes(DescribedPredicate.anyElementThat(thirdParty))
                .check(classes);
    }

    @Test
    @DisplayName("no backend depends on another backend")
    void backendsAreIndependent() {
        for (String backend : BACKENDS) {
            for (String other : BACKENDS) {
                if (!other.equals(backend)) {
                    noClasses().that().resideInAPackage(backend)
                            .should().dependOnClassesThat().resideInAPackage(other)
                            .allowEmptyShould(true)
                            .check(classes);
                }
            }
        }
    }

    @Test
    @DisplayName("patterns use the api only")
    void patternsUseTheApiOnly() {
        classes().that().resideInAPackage("io.greenlang.messaging.patterns..")
                .should().onlyDependOnClassesThat().resideInAnyPackage(API, "io.greenlang.messaging.patterns..", "java..")
                .allowEmptyShould(true)
                .check(classes);
    }

    @Test
    @DisplayName("the TCK tests through the api only")
    void tckUsesTheApiOnly() {
        noClasses().that().resideInAPackage("io.greenlang.messaging.tck..")
                .should().dependOnClassesThat().resideInAnyPackage("io.greenlang.messaging.spi..", "io.greenlang.messaging.memory..")
                .check(classes);
    }

    @Test
    @DisplayName("no package cycles")
    void noPackageCycles() {
        slices().matching("io.greenlang.messaging.(**)").should().beFreeOfCycles().check(classes);
    }

    @Test
    @DisplayName("api exceptions are unchecked")
    void apiExceptionsAreUnchecked() {
        classes().that().resideInAPackage(API).and().areAssignableTo(Throwable.class)
                .should().beAssignableTo(RuntimeException.class)
                .check(classes);
    }

    @Test
    @DisplayName("public api classes are final or interfaces, except exceptions")
    void apiClassesAreClosed() {
        classes().that().resideInAPackage(API).and().arePublic().and().areNotInterfaces().and().areNotEnums()
                .and().areNotRecords().and().areNotAssignableTo(Throwable.class).and().areNotNestedClasses()
                .should().haveModifier(JavaModifier.FINAL)
                .check(classes);
    }
}
