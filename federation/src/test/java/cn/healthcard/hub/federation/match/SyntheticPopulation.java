package cn.healthcard.hub.federation.match;

import cn.healthcard.hub.federation.names.Pinyin;
import cn.healthcard.hub.terminology.identity.ResidentIdNumber;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Generated residents with the shape of a Chinese population (frequent surnames far more frequent,
 * one- and two-character given names from common name characters, identity numbers with their
 * check character, counties of one province), and queries made from them with the errors real
 * registrations carry: a character replaced by one that sounds the same or by another, the name
 * typed in pinyin, day and month transposed, a digit off, fields left out, a new phone or county.
 */
public final class SyntheticPopulation {

  /** Surnames roughly in the order of their frequency (the first few cover a large share). */
  static final String[] SURNAMES = ("王李张刘陈杨黄赵吴周徐孙马朱胡郭何林高罗郑梁谢宋唐许韩冯邓曹彭曾肖田董潘袁蔡蒋余于杜叶程"
      + "魏苏吕丁任卢姚沈钟姜崔谭陆范汪廖石金韦贾夏付方邹熊白孟秦邱侯江尹薛闫段雷龙黎史陶贺毛郝顾龚邵万覃武钱戴严欧莫孔向常汤康易乔赖文").split("");
  static final String[] DOUBLE_SURNAMES = {"欧阳", "司马", "上官", "诸葛", "东方"};
  static final String GIVEN = "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超兰霞平刚桂华建国玉红梅飞鹏辉志宇浩鑫波斌宁琳"
      + "婷雪慧晶颖佳欣怡子轩涵博文俊凯东海峰林龙云春燕丹萍珍凤雨彤晨昊睿思嘉诗雅梓萱浩然一鸣天翔子豪立新家乐"
      + "维玮卫薇蔚巍婧菁京景敬晓小笑孝啸宏鸿洪虹红泓弘丽莉立力利励黎荔晴庆青清卿倩茜谦千";
  /** Counties of Liaoning (GB/T 2260), where the generated residents live. */
  static final String[] COUNTIES = {"210102", "210103", "210104", "210105", "210106", "210111", "210112", "210113",
      "210114", "210115", "210123", "210124", "210181", "210202", "210203", "210204", "210211", "210212", "210213",
      "210214", "210224", "210281", "210283", "210302", "210303", "210304", "210311", "210321", "210323", "210381",
      "210402", "210403", "210404", "210411", "210421", "210422", "210423", "210502", "210503", "210504", "210505"};

  private final Random random;
  private final Map<String, List<Character>> sameSound = new HashMap<>();

  public SyntheticPopulation(long seed) {
    this.random = new Random(seed);
    String all = GIVEN + String.join("", SURNAMES);
    for (char c : all.toCharArray()) {
      List<Character> group = sameSound.computeIfAbsent(Pinyin.of(String.valueOf(c)), k -> new ArrayList<>());
      if (!group.contains(c)) {
        group.add(c);
      }
    }
  }

  /** A resident of the index. */
  public Person resident(String id) {
    String family = random.nextInt(100) < 2 ? DOUBLE_SURNAMES[random.nextInt(DOUBLE_SURNAMES.length)] : surname();
    String given = GIVEN.charAt(random.nextInt(GIVEN.length())) + (random.nextInt(100) < 70
        ? String.valueOf(GIVEN.charAt(random.nextInt(GIVEN.length()))) : "");
    LocalDate birth = LocalDate.of(1940, 1, 1).plusDays(random.nextInt(365 * 80));
    boolean male = random.nextBoolean();
    String county = COUNTIES[random.nextInt(COUNTIES.length)];
    int sequence = random.nextInt(500) * 2 + (male ? 1 : 0);
    String first17 = county + birth.toString().replace("-", "") + String.format("%03d", sequence);
    String number = first17 + ResidentIdNumber.checkCharacter(first17);
    String phone = random.nextInt(100) < 80 ? "1" + (3 + random.nextInt(7)) + String.format("%09d", random.nextInt(1_000_000_000)) : null;
    return new Person(id, family, given, birth, male ? "male" : "female", number, number, phone, county);
  }

  /** A surname drawn with a Zipf-like skew: 王, 李 and 张 far more often than 文. */
  private String surname() {
    double u = random.nextDouble();
    int index = (int) Math.floor(Math.pow(SURNAMES.length, u)) - 1;
    return SURNAMES[Math.max(0, Math.min(SURNAMES.length - 1, index))];
  }

  /** What a registration elsewhere records of a resident, with its errors. */
  public Person query(Person p) {
    String family = p.family();
    String given = p.given();
    int nameError = random.nextInt(100);
    if (nameError < 12) {
      given = replaceOne(given, true);
    } else if (nameError < 16) {
      given = replaceOne(given, false);
    } else if (nameError < 20) {
      family = Pinyin.ofFamily(family);
      given = Pinyin.of(given);
    } else if (nameError < 23) {
      family = replaceOne(family, true);
    }
    LocalDate birth = p.birthDate();
    int birthError = random.nextInt(100);
    if (birthError < 8 && birth.getDayOfMonth() <= 12 && birth.getDayOfMonth() != birth.getMonthValue()) {
      birth = LocalDate.of(birth.getYear(), birth.getDayOfMonth(), birth.getMonthValue());
    } else if (birthError < 12) {
      birth = birth.plusDays(random.nextBoolean() ? 1 : -1);
    } else if (birthError < 17) {
      birth = null;
    }
    String gender = random.nextInt(100) < 20 ? null : p.gender();
    String phone = p.phone();
    int phoneError = random.nextInt(100);
    if (phoneError < 40) {
      phone = null;
    } else if (phoneError < 50) {
      phone = "1" + (3 + random.nextInt(7)) + String.format("%09d", random.nextInt(1_000_000_000));
    }
    String county = p.county();
    int countyError = random.nextInt(100);
    if (countyError < 30) {
      county = null;
    } else if (countyError < 40) {
      county = COUNTIES[random.nextInt(COUNTIES.length)];
    }
    String identity = random.nextInt(100) < 10 ? p.identityNumber() : null;
    return new Person(null, family, given, birth, gender, identity, identity, phone, county);
  }

  private String replaceOne(String text, boolean sameSound) {
    int at = random.nextInt(text.length());
    char c = text.charAt(at);
    char replacement = c;
    if (sameSound) {
      List<Character> group = sameSound(c);
      if (group.size() > 1) {
        while (replacement == c) {
          replacement = group.get(random.nextInt(group.size()));
        }
      }
    }
    if (replacement == c) {
      while (replacement == c) {
        replacement = GIVEN.charAt(random.nextInt(GIVEN.length()));
      }
    }
    return text.substring(0, at) + replacement + text.substring(at + 1);
  }

  private List<Character> sameSound(char c) {
    return sameSound.getOrDefault(Pinyin.of(String.valueOf(c)), List.of(c));
  }
}
