import java.util.*;
public class Alloc {
  public static void main(String[] a) throws Exception {
    List<byte[]> keep = new ArrayList<>();
    for (int i = 0; i < 3000; i++) {
      byte[] b = new byte[64*1024];
      if (i % 4 == 0) keep.add(b);
      if (keep.size() > 300) keep.subList(0, 150).clear();
    }
    System.gc();
    if (a.length > 0) { List<byte[]> h = new ArrayList<>(); while (true) h.add(new byte[1<<20]); }
  }
}
