import java.nio.ByteBuffer;
import java.util.*;
import java.io.*;
public class OomKinds {
  public static void main(String[] a) throws Exception {
    List<Object> keep = new ArrayList<>();
    switch (a[0]) {
      case "direct": while (true) keep.add(ByteBuffer.allocateDirect(1 << 20));
      case "meta": {
        byte[] b = OomKinds.class.getResourceAsStream("OomKinds$C.class").readAllBytes();
        while (true) {
          ClassLoader l = new ClassLoader(null) { { keep.add(defineClass("OomKinds$C", b, 0, b.length)); } };
          keep.add(l);
        }
      }
      case "array": keep.add(new long[Integer.MAX_VALUE]);
    }
  }
  static class C { int x; void m() {} }
}
